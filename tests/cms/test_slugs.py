"""Pages created in the admin get slugs folded the storefront's way ("Đặc sản" → "dac-san"), in both languages."""

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import ArticleIndexPage, ArticlePage, HomePage, PromotionIndexPage, PromotionPage
from tests.factories.cms import home_page

pytestmark = pytest.mark.django_db

# What each page type needs besides its title and slug.
REQUIRED = {
    "promotionindexpage": {},
    "articleindexpage": {},
    "promotionpage": {"starts_at": "2020-01-01 00:00", "ends_at": "2099-01-01 00:00", "discount_value": "10"},
    "articlepage": {"date": "2026-12-01"},
}


def _form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    for name in ("categories", "producers", "provinces", "related_stalls", "related_products"):
        data.pop(name, None)  # unselected multi-selects
    data["body"] = "[]"  # the StreamField widget is filled in by JavaScript
    data["body-count"] = "0"
    return data


def _add(client, parent, model_name, title, slug):
    """Create a page as the editor would: the slug as Wagtail's script fills it from the title."""
    url = reverse("wagtailadmin_pages:add", args=["cms", model_name, parent.pk])
    data = _form(client, url)
    data.update({"title": title, "slug": slug, **REQUIRED[model_name]})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Page.objects.child_of(parent).get(title=title).specific


def _translate(page):
    translated = page.copy_for_translation(Locale.objects.get(language_code="en"))
    translated.save_revision().publish()
    return translated


@pytest.fixture
def home():
    return home_page(title="Chợ OCOP", slug="cho-ocop")


@pytest.fixture
def logged_in(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.parametrize(
    ("model_name", "title", "typed", "expected"),
    [
        ("promotionindexpage", "Khuyến mãi Đặc biệt", "khuyến-mãi-đặc-biệt", "khuyen-mai-dac-biet"),
        ("articleindexpage", "Tin tức Đồng Tháp", "tin-tức-đồng-tháp", "tin-tuc-dong-thap"),
    ],
)
def test_index_pages_created_in_the_admin_get_folded_slugs(logged_in, home, model_name, title, typed, expected):
    page = _add(logged_in, home, model_name, title, typed)

    assert page.slug == expected
    assert page.url_path.endswith(f"/{expected}/")


def test_a_promotion_created_in_the_admin_gets_a_folded_slug(logged_in, home):
    index = _add(logged_in, home, "promotionindexpage", "Khuyến mãi", "khuyen-mai")

    page = _add(logged_in, index, "promotionpage", "Tuần lễ Đặc sản Đà Lạt", "tuần-lễ-đặc-sản-đà-lạt")

    assert isinstance(page, PromotionPage)
    assert page.slug == "tuan-le-dac-san-da-lat"
    assert page.get_url() == "/khuyen-mai/tuan-le-dac-san-da-lat/"


def test_an_article_created_in_the_admin_gets_a_folded_slug(logged_in, home):
    index = _add(logged_in, home, "articleindexpage", "Tin tức", "tin-tuc")

    page = _add(logged_in, index, "articlepage", "Đường thốt nốt Tri Tôn", "đường-thốt-nốt-tri-tôn")

    assert isinstance(page, ArticlePage)
    assert page.slug == "duong-thot-not-tri-ton"


def test_a_page_saved_without_a_slug_gets_one_from_its_title_with_d_kept(logged_in, home):
    """Pages made by code (seeds, imports) without a slug: Wagtail's fallback would drop "đ"."""
    index = _add(logged_in, home, "articleindexpage", "Tin tức", "tin-tuc")

    page = index.add_child(instance=ArticlePage(title="Đặc sản Sóc Trăng", date="2026-12-01"))
    second = index.add_child(instance=ArticlePage(title="Đặc sản Sóc Trăng", date="2026-12-02"))

    assert page.slug == "dac-san-soc-trang"  # not Django's "ac-san-soc-trang"
    assert second.slug == "dac-san-soc-trang-2"


def test_a_folded_slug_that_is_taken_is_refused_with_a_message(logged_in, home):
    index = _add(logged_in, home, "articleindexpage", "Tin tức", "tin-tuc")
    _add(logged_in, index, "articlepage", "Đặc sản", "dac-san")

    url = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", index.pk])
    data = _form(logged_in, url)
    data.update({"title": "Đặc sản khác", "slug": "đặc-sản", **REQUIRED["articlepage"]})
    response = logged_in.post(url, data)

    assert response.status_code == 200
    assert ArticlePage.objects.filter(slug="dac-san").count() == 1
    assert "dac-san" in response.content.decode()


def test_the_home_page_slug_is_folded_when_edited(logged_in, home):
    url = reverse("wagtailadmin_pages:edit", args=[home.pk])
    data = _form(logged_in, url)
    data["slug"] = "chợ-đặc-sản"
    response = logged_in.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert HomePage.objects.get(pk=home.pk).get_latest_revision_as_object().slug == "cho-dac-san"


def test_english_pages_created_in_the_admin_get_folded_slugs(logged_in, home):
    promotions = _add(logged_in, home, "promotionindexpage", "Khuyến mãi", "khuyen-mai")
    articles = _add(logged_in, home, "articleindexpage", "Tin tức", "tin-tuc")
    english_home = _translate(home)
    english_promotions = _translate(promotions)
    english_articles = _translate(articles)

    article = _add(logged_in, english_articles, "articlepage", "Đà Lạt strawberries", "đà-lạt-strawberries")
    promotion = _add(logged_in, english_promotions, "promotionpage", "Phở Hà Nội week", "phở-hà-nội-week")
    edit = reverse("wagtailadmin_pages:edit", args=[english_home.pk])
    data = _form(logged_in, edit)
    data["slug"] = "chợ-en"
    assert logged_in.post(edit, data).status_code == 302

    assert article.locale.language_code == "en"
    assert article.slug == "da-lat-strawberries"
    assert promotion.slug == "pho-ha-noi-week"
    assert HomePage.objects.get(pk=english_home.pk).get_latest_revision_as_object().slug == "cho-en"
    assert isinstance(english_promotions, PromotionIndexPage) and isinstance(english_articles, ArticleIndexPage)


def test_a_page_copied_in_the_admin_gets_a_folded_slug(logged_in, home):
    index = _add(logged_in, home, "articleindexpage", "Tin tức", "tin-tuc")
    article = _add(logged_in, index, "articlepage", "Đặc sản", "dac-san")

    url = reverse("wagtailadmin_pages:copy", args=[article.pk])
    response = logged_in.post(url, {"new_title": "Đặc sản mới", "new_slug": "đặc-sản-mới", "new_parent_page": index.pk})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ArticlePage.objects.child_of(index).filter(title="Đặc sản mới").get().slug == "dac-san-moi"
