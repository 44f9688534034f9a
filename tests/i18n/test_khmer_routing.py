"""Khmer as an interface language: /km/ URLs, Wagtail pages under them, the switcher, the sitemap."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale

from core import roles
from core.i18n import in_interface_language, interface_only_languages
from tests.factories.catalog import ProductFactory
from tests.factories.cms import home_page, promotion_index
from tests.factories.onboarding import complete_application
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return home_page(title="Chợ OCOP", hero_title="Đặc sản OCOP từ nông hộ")


def test_khmer_is_an_interface_language_without_wagtail_content():
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "km", "en"]
    assert [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES] == ["vi", "en"]
    assert interface_only_languages() == {"km"}


def test_interface_urls_get_the_khmer_prefix_and_nothing_else_does():
    assert in_interface_language("/gioi-thieu/", "km") == "/km/gioi-thieu/"
    assert in_interface_language("http://testserver/khuyen-mai/?p=2", "km") == "http://testserver/km/khuyen-mai/?p=2"
    assert in_interface_language("/en/promotions/", "km") == "/en/promotions/"
    assert in_interface_language("/km/gio-hang/", "km") == "/km/gio-hang/"
    assert in_interface_language("/gioi-thieu/", "en") == "/gioi-thieu/"
    assert in_interface_language(None, "km") is None
    with translation.override("km"):
        assert in_interface_language("/") == "/km/"


def test_the_wagtail_home_page_is_served_under_km_with_khmer_menus(client, home):
    index = promotion_index(home, show_in_menus=True)
    index.save_revision().publish()
    response = client.get("/km/")
    assert response.status_code == 200
    assert response["Content-Language"] == "km"
    assert response.context["page"].locale.language_code == "vi"  # the Vietnamese content
    body = response.content.decode()
    assert '<html lang="km">' in body and "Đặc sản OCOP từ nông hộ" in body
    assert 'href="/km/khuyen-mai/"' in body  # the menu keeps the reader in Khmer
    assert "កន្ត្រក" in body  # "Cart"
    # The page's address for search engines stays the Vietnamese one.
    assert '<link rel="canonical" href="http://testserver/">' in body
    sub = client.get("/km/khuyen-mai/")
    assert sub.status_code == 200 and '<html lang="km">' in sub.content.decode()
    # Vietnamese and English pages are unchanged.
    assert 'href="/khuyen-mai/"' in client.get("/").content.decode()


def test_there_is_no_khmer_locale_in_wagtail(home):
    assert not Locale.objects.filter(language_code="km").exists()
    with translation.override("km"):
        assert Locale.get_active().language_code == "vi"


def test_the_switcher_names_each_language_in_its_own_script_and_links_to_the_same_page_in_it(client):
    body = client.get("/products/?q=mat+ong").content.decode()
    switcher = body.split('<nav class="langs"')[1].split("</nav>")[0]
    assert '<a href="/products/?q=mat+ong" hreflang="vi" lang="vi" aria-current="true">Tiếng Việt</a>' in switcher
    assert '<a href="/km/products/?q=mat+ong" hreflang="km" lang="km">ភាសាខ្មែរ</a>' in switcher
    assert '<a href="/en/products/?q=mat+ong" hreflang="en" lang="en">English</a>' in switcher
    # Plain links: no form, so no CSRF token or cookie on a page every visitor gets.
    assert "<form" not in switcher and "csrfmiddlewaretoken" not in body


def test_a_khmer_page_links_onward_in_khmer(client):
    body = client.get("/km/dang-ky/").content.decode()
    assert 'lang="km" aria-current="true">ភាសាខ្មែរ</a>' in body
    sellers = body.split('class="sellers"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"', sellers)
    assert links and all(link.startswith("/km/") for link in links), links
    assert 'href="/dang-ky/" hreflang="vi"' in body


def test_from_an_english_wagtail_page_khmer_goes_to_the_vietnamese_page_under_km(home, rf):
    from django.template import Context, Template

    index = promotion_index(home)
    english = Locale.objects.get(language_code="en")
    home.copy_for_translation(english).save_revision().publish()
    translated = index.copy_for_translation(english)
    translated.slug = "promotions"
    translated.save_revision().publish()
    template = Template("{% load seo_tags %}{% language_switch_url 'km' %}")
    with translation.override("en"):
        url = template.render(Context({"request": rf.get("/en/promotions/"), "page": translated}))
    assert url == "http://testserver/km/khuyen-mai/"


def test_the_khmer_font_loads_on_khmer_pages_only(client):
    assert "css/km.css" in client.get("/km/products/").content.decode()
    assert "css/km.css" not in client.get("/products/").content.decode()
    assert "css/km.css" not in client.get("/en/products/").content.decode()
    css = (settings.BASE_DIR / "static/css/km.css").read_text()
    assert css.count("font-display:swap") == 2 and "unicode-range:U+1780-17FF" in css
    fonts = settings.BASE_DIR / "static/fonts/noto-sans-khmer"
    assert (fonts / "OFL.txt").read_text().count("SIL Open Font License") >= 1
    assert all(f.stat().st_size < 30_000 for f in fonts.glob("*.woff2"))


def test_the_sitemap_lists_the_khmer_storefront_next_to_the_others(client, home):
    product = ProductFactory()
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-products-km.xml" in index and "sitemap-stalls-km.xml" in index
    body = client.get("/sitemap-products-km.xml").content.decode()
    assert f"<loc>http://testserver/km/products/{product.slug}/</loc>" in body
    assert f'hreflang="vi" href="http://testserver/products/{product.slug}/"' in body
    assert client.get(f"/km/products/{product.slug}/").status_code == 200
    # Wagtail's pages keep their two trees: no /km/ copy of them in the pages section.
    pages = client.get("/sitemap-pages.xml", HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert "/km/" not in pages and "<loc>http://testserver/</loc>" in pages


def test_household_screens_have_a_hidden_listen_button_and_no_inline_script(client):
    household = UserFactory(groups=[roles.FARMER])
    app = complete_application(household=household, created_by=household)
    client.force_login(household)
    for url in ("/km/ho-so/", f"/km/ho-so/{app.pk}/", f"/km/ho-so/{app.pk}/quick-product/", "/ho-so/"):
        body = client.get(url).content.decode()
        assert body.count("data-listen=") == 1, url
        assert 'aria-pressed="false" hidden>' in body
        assert '<script src="/static/js/listen.js" defer></script>' in body
        assert "<script>" not in body
    km = client.get("/km/ho-so/").content.decode()
    assert "ស្តាប់" in km
    assert "Nghe" in client.get("/ho-so/").content.decode()


def test_each_listing_step_has_its_picture_hidden_from_screen_readers(client):
    household = UserFactory(groups=[roles.FARMER])
    app = complete_application(household=household, created_by=household)
    client.force_login(household)
    body = client.get(f"/km/ho-so/{app.pk}/products/").content.decode()
    steps = body.split('<nav class="steps"', 1)[1].split("</nav>", 1)[0]
    assert steps.count("<li>") == steps.count('<svg class="ic"') == 8
    assert steps.count('aria-hidden="true" focusable="false"') == 8


def test_the_ui_url_filter_keeps_khmer_links_in_khmer():
    from django.template import Context, Template

    template = Template("{% load household %}{{ url|ui_url }}")
    with translation.override("km"):
        assert template.render(Context({"url": "/khuyen-mai/tet/"})) == "/km/khuyen-mai/tet/"
    assert template.render(Context({"url": "/khuyen-mai/tet/"})) == "/khuyen-mai/tet/"


@pytest.mark.parametrize(
    ("path", "language", "varies"),
    [("/products/", "vi", True), ("/km/products/", "km", False), ("/en/products/", "en", False), ("/kmx/", "vi", True)],
)
def test_each_request_is_answered_in_its_paths_language(client, path, language, varies):
    from ocop_market import middleware

    for _ in range(2):  # the second time from the middleware's memo of first segments
        response = client.get(path)
        assert response["Content-Language"] == language
        assert ("Accept-Language" in response.get("Vary", "")) is varies
    assert middleware._LANGUAGE_OF_SEGMENT[path.split("/")[1]] == (None if varies else language)


def test_the_memo_of_first_segments_stays_bounded(client):
    from ocop_market import middleware

    for n in range(middleware._LANGUAGE_OF_SEGMENT_LIMIT + 50):
        middleware._language_from_path(f"/segment-{n}/")
    assert len(middleware._LANGUAGE_OF_SEGMENT) <= middleware._LANGUAGE_OF_SEGMENT_LIMIT
    assert middleware._language_from_path("/km/dang-ky/") == "km"


def test_a_language_button_of_a_page_from_before_the_links_still_leads_on(client):
    # The former switcher's form: language and next, posted with or without its CSRF token.
    response = client.post("/i18n/setlang/", {"language": "km", "next": "/km/dang-ky/"})
    assert response.status_code == 302 and response["Location"] == "/km/dang-ky/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # the URL carries the language
    english = client.post("/i18n/setlang/", {"language": "en", "next": "/en/products/?q=mat+ong"})
    assert english["Location"] == "/en/products/?q=mat+ong"
    assert client.post("/i18n/setlang/", {"next": "https://example.com/"})["Location"] == "/"  # never away
    assert client.get("/i18n/setlang/")["Location"] == "/"
