"""Pages in Vietnamese (served at /) and English (served at /en/)."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Page

from cms.models import HomePage
from core import roles
from tests.factories.catalog import ProductFactory
from tests.factories.cms import home_page, promotion, promotion_index
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /en/ leaves English active in this thread: don't leak it to later tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def home():
    return home_page(title="Chợ OCOP", hero_title="Đặc sản OCOP từ nông hộ")


def translate(page, **changes):
    """What simple_translation's "Translate" action does, then an edit and a publish."""
    translated = page.copy_for_translation(Locale.objects.get(language_code="en"))
    for name, value in changes.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated


def test_vietnamese_is_the_default_locale_and_english_exists():
    assert Locale.get_default().language_code == "vi"
    assert Locale.objects.filter(language_code="en").exists()
    assert Page.get_first_root_node().locale.language_code == "vi"


def test_editors_may_submit_translations():
    assert (
        Group.objects.get(name=roles.EDITOR)
        .permissions.filter(content_type__app_label="simple_translation", codename="submit_translation")
        .exists()
    )


def test_translated_home_page_is_served_at_en_and_the_vietnamese_one_at_the_root(client, home):
    translate(home, title="OCOP Market", hero_title="OCOP specialties from farming households")

    vi = client.get("/")
    en = client.get("/en/")

    assert vi.status_code == 200
    assert vi.context["page"].locale.language_code == "vi"
    assert "Đặc sản OCOP từ nông hộ" in vi.content.decode()
    assert en.status_code == 200
    assert en.context["page"].locale.language_code == "en"
    assert "OCOP specialties from farming households" in en.content.decode()
    assert '<html lang="en">' in en.content.decode()


def test_translated_pages_link_to_each_other_with_hreflang(client, home):
    translate(home, title="OCOP Market")

    vi = client.get("/").content.decode()
    en = client.get("/en/").content.decode()

    for html in (vi, en):
        assert '<link rel="alternate" hreflang="vi" href="http://testserver/">' in html
        assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in html
        assert '<link rel="alternate" hreflang="x-default" href="http://testserver/">' in html
    assert '<link rel="canonical" href="http://testserver/en/">' in en


def test_a_draft_translation_is_not_served(client, home):
    draft = home.copy_for_translation(Locale.objects.get(language_code="en"))
    draft.title = "Draft English home"
    draft.save_revision()

    response = client.get("/en/")

    assert response.status_code == 200
    assert response.context["page"].pk == home.pk


def test_without_a_translation_en_shows_the_vietnamese_page_under_the_english_interface(client, home):
    index = promotion_index(home)
    promotion(index, slug="tet", title="Khuyến mãi Tết")

    response = client.get("/en/")
    child = client.get("/en/khuyen-mai/tet/")

    assert response.status_code == 200
    assert response.context["page"].pk == home.pk
    assert '<html lang="en">' in response.content.decode()
    assert child.status_code == 200
    assert "Khuyến mãi Tết" in child.content.decode()
    # The Vietnamese page is the one to index: no alternate language version exists.
    assert '<link rel="canonical" href="http://testserver/khuyen-mai/tet/">' in child.content.decode()


def test_translated_subtree_serves_english_children(client, home):
    index = promotion_index(home)
    page = promotion(index, slug="tet", title="Khuyến mãi Tết")
    translate(home)
    translate(index, title="Promotions")
    english = translate(page, title="Lunar New Year sale")

    assert english.get_url() == "/en/khuyen-mai/tet/"
    assert "Lunar New Year sale" in client.get("/en/khuyen-mai/tet/").content.decode()
    assert "Khuyến mãi Tết" in client.get("/khuyen-mai/tet/").content.decode()


def test_language_switch_follows_translations_with_other_slugs(rf, home):
    from django.template import Context, Template

    index = promotion_index(home)
    translate(home)
    translate(index, title="Promotions", slug="promotions")
    template = Template("{% load seo_tags %}{% language_url 'en' %}|{% language_url 'vi' %}")
    request = rf.get("/khuyen-mai/")

    assert template.render(Context({"request": request, "page": index})) == (
        "http://testserver/en/promotions/|http://testserver/khuyen-mai/"
    )
    assert template.render(Context({"request": rf.get("/products/")})) == "/en/products/|/products/"


def test_english_pages_are_in_the_sitemap_with_their_alternates(client, home):
    translate(home, title="OCOP Market")

    body = client.get("/sitemap-pages.xml").content.decode()

    assert "<loc>http://testserver/</loc>" in body
    assert "<loc>http://testserver/en/</loc>" in body
    assert '<xhtml:link rel="alternate" hreflang="en" href="http://testserver/en/"/>' in body


@pytest.mark.parametrize("path", ["/en/products/", "/en/stalls/"])
def test_storefront_listings_work_under_en(client, home, path):
    ProductFactory()

    response = client.get(path)

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_storefront_product_page_works_under_en(client, home):
    product = ProductFactory()

    assert client.get(f"/en/products/{product.slug}/").status_code == 200
    assert client.get(f"/en/stalls/{product.producer.stall.slug}/").status_code == 200


def test_editor_translates_the_home_page_and_can_edit_the_english_copy(client, home):
    editor = UserFactory(groups=[roles.EDITOR])
    client.force_login(editor)
    english = Locale.objects.get(language_code="en")

    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[home.pk]),
        {"locales": [english.pk]},
    )

    assert response.status_code == 302
    translated = HomePage.objects.get(locale=english)
    assert translated.translation_key == home.translation_key
    assert client.get(reverse("wagtailadmin_pages:edit", args=[translated.pk])).status_code == 200
