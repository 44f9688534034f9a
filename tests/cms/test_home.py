"""The home page: editors' picks and their fallbacks, promotions, articles and the body's blocks."""

import datetime
import json
from collections import Counter
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from catalog.models import Product
from cms.models import ArticleIndexPage, ArticlePage, HomeFeaturedProduct, HomeFeaturedStall
from core import roles
from producers.models import Stall
from tests.factories.catalog import ImageFactory, ProductFactory, ProductImageFactory
from tests.factories.cms import home_page, promotion, promotion_index
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db


def article_index(home, **fields):
    fields.setdefault("title", "Tin tức")
    fields.setdefault("slug", "tin-tuc")
    return home.add_child(instance=ArticleIndexPage(**fields))


def article(index, *, days_ago=0, live=True, **fields):
    fields.setdefault("title", f"Bài viết {days_ago}")
    fields.setdefault("slug", f"bai-viet-{days_ago}")
    page = index.add_child(
        instance=ArticlePage(date=timezone.localdate() - datetime.timedelta(days=days_ago), live=live, **fields)
    )
    return page


def carousel(products, title="Đặc sản mùa Tết"):
    return {"type": "product_carousel", "value": {"title": title, "products": [p.pk for p in products]}}


def test_editors_choices_are_shown_in_their_order(client):
    first, second = ProductFactory(name="Trà Shan tuyết"), ProductFactory(name="Cà phê Robusta")
    ProductFactory(name="Sản phẩm mới nhất")
    stall_a, stall_b = StallFactory(name="Gian A"), StallFactory(name="Gian B")
    page = home_page()
    HomeFeaturedProduct.objects.create(page=page, product=second, sort_order=0)
    HomeFeaturedProduct.objects.create(page=page, product=first, sort_order=1)
    HomeFeaturedStall.objects.create(page=page, stall=stall_b, sort_order=0)
    HomeFeaturedStall.objects.create(page=page, stall=stall_a, sort_order=1)
    response = client.get("/")
    assert response.status_code == 200
    assert [p.name for p in response.context["featured_products"]] == ["Cà phê Robusta", "Trà Shan tuyết"]
    assert [s.name for s in response.context["featured_stalls"]] == ["Gian B", "Gian A"]
    assert "Sản phẩm mới nhất" not in response.content.decode()


def test_without_choices_the_newest_products_and_stalls_are_shown(client):
    old = ProductFactory(name="Sản phẩm cũ", published_at=timezone.now() - datetime.timedelta(days=30))
    new = ProductFactory(name="Sản phẩm mới")
    home_page()
    response = client.get("/")
    products = response.context["featured_products"]
    assert products[0] == new and old in products
    assert response.context["featured_stalls"]
    content = response.content.decode()
    assert "Sản phẩm mới" in content


def test_when_no_choice_is_on_sale_the_newest_products_and_stalls_are_shown(client):
    withdrawn = ProductFactory(name="Sản phẩm đã ngừng bán", status="draft")
    closed = StallFactory(name="Gian hàng đã đóng", is_published=False)
    newest, newest_stall = ProductFactory(name="Sản phẩm mới"), StallFactory(name="Gian hàng mới")
    page = home_page()
    HomeFeaturedProduct.objects.create(page=page, product=withdrawn, sort_order=0)
    HomeFeaturedStall.objects.create(page=page, stall=closed, sort_order=0)
    response = client.get("/")
    assert response.context["featured_products"][0] == newest
    assert response.context["featured_stalls"][0] == newest_stall
    content = response.content.decode()
    assert "Sản phẩm đã ngừng bán" not in content and "Gian hàng đã đóng" not in content


def test_home_page_is_never_empty_without_promotions_or_articles(client):
    ProductFactory(name="Bánh pía")
    home_page(hero_title="Chợ OCOP")
    response = client.get("/")
    content = response.content.decode()
    assert "Chợ OCOP" in content and "Bánh pía" in content
    assert response.context["promotions"] == [] and response.context["articles"] == []
    assert 'id="pr-h"' not in content and 'id="ar-h"' not in content


def test_only_live_promotions_on_sale_now_are_shown(client):
    home = home_page()
    index = promotion_index(home)
    promotion(index, title="Đang giảm giá")
    promotion(index, title="Sắp giảm giá", starts_in=datetime.timedelta(days=3), ends_in=datetime.timedelta(days=9))
    promotion(index, title="Đã kết thúc", starts_in=-datetime.timedelta(days=9), ends_in=-datetime.timedelta(days=2))
    promotion(index, title="Bản nháp", live=False)
    response = client.get("/")
    assert [p.title for p in response.context["promotions"]] == ["Đang giảm giá"]
    content = response.content.decode()
    assert "Đang giảm giá" in content
    assert "Sắp giảm giá" not in content and "Đã kết thúc" not in content and "Bản nháp" not in content


def test_the_latest_three_live_articles_are_shown(client):
    home = home_page()
    index = article_index(home)
    for days in (5, 1, 3, 9):
        article(index, days_ago=days)
    article(index, days_ago=0, live=False, title="Bản nháp")
    response = client.get("/")
    assert [a.title for a in response.context["articles"]] == ["Bài viết 1", "Bài viết 3", "Bài viết 5"]
    assert "Bản nháp" not in response.content.decode()


def test_body_blocks_render_including_a_product_carousel(client):
    products = [ProductFactory(name=f"Đặc sản {i}") for i in range(3)]
    hidden = ProductFactory(name="Đã ngừng bán", status="draft")
    stall = StallFactory(name="Gian hàng trong băng chuyền")
    home = home_page()
    target = promotion_index(home, title="Khuyến mãi")
    home.body = json.dumps(
        [
            {"type": "heading", "value": {"text": "Quà quê chuẩn OCOP", "size": "h2"}},
            {"type": "paragraph", "value": "<p>Mua <b>trực tiếp</b> từ nông hộ.</p>"},
            {"type": "image", "value": {"image": ImageFactory().pk, "caption": "Chợ nổi Cái Răng"}},
            carousel([products[2], hidden, products[0], products[1]]),
            {"type": "stall_carousel", "value": {"title": "Gian hàng", "stalls": [stall.pk]}},
            {
                "type": "call_to_action",
                "value": {"title": "Đang có khuyến mãi", "text": "", "page": target.pk, "url": "", "button": "Xem"},
            },
        ]
    )
    home.save_revision().publish()
    content = client.get("/").content.decode()
    assert '<h2 class="blk-h">Quà quê chuẩn OCOP</h2>' in content
    assert "<b>trực tiếp</b>" in content
    assert "Chợ nổi Cái Răng</figcaption>" in content
    rail = content[content.index('<ul class="rail">') :]
    rail = rail[: rail.index("</ul>")]
    assert rail.index(products[2].get_absolute_url()) < rail.index(products[0].get_absolute_url())
    assert rail.index(products[0].get_absolute_url()) < rail.index(products[1].get_absolute_url())
    assert "Đã ngừng bán" not in content
    assert "Gian hàng trong băng chuyền" in content
    assert f'href="{target.url}"' in content


def test_a_carousel_on_sale_shows_the_promoted_price(client):
    product = ProductFactory(name="Bánh pía", price=100_000)
    home = home_page()
    promotion(promotion_index(home), products=[product], discount_value=20)
    home.body = json.dumps([carousel([product])])
    home.save_revision().publish()
    response = client.get("/")
    rail = response.content.decode().split('<ul class="rail">')[1]
    assert "80.000 ₫" in rail and "100.000 ₫" in rail


def _count(client, url):
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_page_queries_do_not_grow_with_the_carousel(client):
    images = ImageFactory.create_batch(3)
    products = []
    for i in range(20):
        product = ProductFactory(name=f"Đặc sản {i}")
        ProductImageFactory(product=product, image=images[i % 3])
        products.append(product)
    home = home_page()
    index = promotion_index(home)
    promotion(index, products=products[:2], banner=images[0])
    articles = article_index(home)
    article(articles, days_ago=1, cover=images[1])
    counts = {}
    for size in (5, 20):
        home.body = json.dumps([carousel(products[:size]), carousel(products[-size:], title="Thêm")])
        home.save_revision().publish()
        counts[size] = _count(client, "/")
    assert counts[5] == counts[20], counts


def test_carousels_holding_more_products_than_the_precompiled_query_show_them_all(client, settings):
    from cms.queries import HOME_CAROUSEL_PRODUCTS, _home_products

    settings.STOREFRONT_CACHE_SECONDS = 0
    products = [ProductFactory(name=f"Đặc sản số {i:02d}") for i in range(72)]  # the newest 12 in no carousel
    home = home_page()
    for count in (6, 60):  # within the precompiled query's ids, then past them
        shown = products[:count]
        home.body = json.dumps([carousel(shown[i : i + 20], title=f"Mục {i}") for i in range(0, count, 20)])
        home.save_revision().publish()
        content = client.get("/").content.decode()
        body = content[content.index('<div class="body">') :]  # the carousels, after the newest products
        positions = [body.index(f"Đặc sản số {i:02d}") for i in range(count)]
        assert positions == sorted(positions)  # each carousel in the editor's order
    assert HOME_CAROUSEL_PRODUCTS < 60
    assert _home_products.precompiled.is_precompiled(timezone.localdate())


def _full_home():
    """A home page with an editor's pick, a featured stall with a logo, a live promotion with
    a banner, an upcoming one, and an article with a cover."""
    images = ImageFactory.create_batch(2)
    stall = StallFactory(name="Gian hàng được chọn", logo=images[1])
    picked = ProductFactory(name="Trà Shan tuyết chọn", producer=stall.producer)
    other = ProductFactory(name="Cà phê mới")
    for product in (picked, other):
        ProductImageFactory(product=product, image=images[0])
    home = home_page()
    HomeFeaturedProduct.objects.create(page=home, product=picked, sort_order=0)
    HomeFeaturedStall.objects.create(page=home, stall=stall, sort_order=0)
    index = promotion_index(home)
    promotion(index, title="Đang giảm giá", products=[picked], banner=images[0], ends_in=datetime.timedelta(hours=2))
    promotion(index, title="Sắp giảm giá", starts_in=datetime.timedelta(hours=1), ends_in=datetime.timedelta(days=3))
    article(article_index(home), days_ago=1, title="Mùa chè Shan tuyết", cover=images[1])
    return home


def test_home_page_shows_picks_promotions_and_articles_in_at_most_eight_queries(
    client, settings, django_assert_max_num_queries
):
    settings.STOREFRONT_CACHE_SECONDS = 0  # what a render costs, not a page-cache hit
    _full_home()
    for _ in range(2):  # the first visits make the renditions and fill the menu, settings and offers
        client.get("/")
    with django_assert_max_num_queries(8):
        response = client.get("/")
    content = response.content.decode()
    assert [p.name for p in response.context["featured_products"]] == ["Trà Shan tuyết chọn"]
    assert "Gian hàng được chọn" in content and "1 sản phẩm" in content
    assert "Đang giảm giá" in content and "Mùa chè Shan tuyết" in content
    # Banner, cover, logo and product photo as renditions, never the original upload.
    assert content.count(".webp") >= 4 and "original_images" not in content


def test_home_page_promotions_follow_the_clock_and_new_articles_show_at_once(client, settings):
    settings.STOREFRONT_CACHE_SECONDS = 0
    home = _full_home()
    content = client.get("/").content.decode()
    assert "Đang giảm giá" in content and "Sắp giảm giá" not in content
    # Cached, yet the upcoming campaign shows as soon as it starts ...
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, minutes=1), tick=False):
        content = client.get("/").content.decode()
        assert "Đang giảm giá" in content and "Sắp giảm giá" in content
    # ... and the running one goes when it ends.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2, minutes=1), tick=False):
        content = client.get("/").content.decode()
        assert "Đang giảm giá" not in content and "Sắp giảm giá" in content
    index = ArticleIndexPage.objects.child_of(home).get()
    article(index, days_ago=0, title="Tin mới đăng")
    assert "Tin mới đăng" in client.get("/").content.decode()


def test_a_view_restriction_added_later_is_enforced_on_the_next_request(client, settings):
    from wagtail.models import PageViewRestriction

    settings.STOREFRONT_CACHE_SECONDS = 0
    home = _full_home()
    assert client.get("/").status_code == 200
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/")
    assert response.status_code == 302 and "login" in response["Location"]


# --- What a render loads -------------------------------------------------------------------------


@contextmanager
def rows_built(*models):
    """Counts of the rows of ``models`` built from the database (or by hand), by model and id."""
    built = {model: Counter() for model in models}

    def count(sender, instance, **kwargs):
        built[sender][instance.pk] += 1

    for model in models:
        post_init.connect(count, sender=model, weak=False)
    try:
        yield built
    finally:
        for model in models:
            post_init.disconnect(count, sender=model)


def _home_with_blocks():
    """A home page with editors' picks, a product and a stall carousel and a call to action
    leading to a section in the menu; and the newest product and stall, chosen nowhere."""
    picked, in_carousel = ProductFactory(name="Trà chọn"), ProductFactory(name="Cà phê trong băng chuyền")
    featured_stall, carousel_stall = StallFactory(name="Gian hàng chọn"), StallFactory(name="Gian trong băng chuyền")
    home = home_page()
    HomeFeaturedProduct.objects.create(page=home, product=picked, sort_order=0)
    HomeFeaturedStall.objects.create(page=home, stall=featured_stall, sort_order=0)
    section = promotion_index(home, show_in_menus=True)
    home.body = json.dumps(
        [
            carousel([picked, in_carousel]),
            {"type": "stall_carousel", "value": {"title": "Gian hàng", "stalls": [carousel_stall.pk]}},
            {
                "type": "call_to_action",
                "value": {"title": "Khuyến mãi", "text": "", "page": section.pk, "url": "", "button": "Xem"},
            },
        ]
    )
    home.save_revision().publish()
    newest, newest_stall = ProductFactory(name="Sản phẩm mới nhất"), StallFactory(name="Gian hàng mới nhất")
    return {
        "picked": picked,
        "in_carousel": in_carousel,
        "featured_stall": featured_stall,
        "carousel_stall": carousel_stall,
        "section": section,
        "newest": newest,
        "newest_stall": newest_stall,
    }


def test_the_home_page_builds_each_shown_product_and_stall_once_and_nothing_else(client, settings):
    settings.STOREFRONT_CACHE_SECONDS = 0  # what a render builds, not a page-cache hit
    shown = _home_with_blocks()
    for _ in range(2):  # the first visits make the site settings, then fill the menu and offers
        client.get("/")
    with rows_built(Product, Stall, Page) as built:
        content = client.get("/").content.decode()
    assert "Trà chọn" in content and "Cà phê trong băng chuyền" in content
    assert "Gian trong băng chuyền" in content and f'href="{shown["section"].url}"' in content
    # The carousels' choices are the cards' rows, not loaded again (as full rows) by their choosers.
    assert built[Product] == {shown["picked"].pk: 1, shown["in_carousel"].pk: 1}
    assert built[Stall][shown["carousel_stall"].pk] == 1
    # The newest are the fallback of a page without picks: not loaded when there are some.
    assert shown["newest_stall"].pk not in built[Stall] and "Sản phẩm mới nhất" not in content
    # The call to action's page is the menu's.
    assert shown["section"].pk not in built[Page]


def test_the_home_page_with_carousels_and_a_call_to_action_takes_no_more_queries(
    client, settings, django_assert_max_num_queries
):
    settings.STOREFRONT_CACHE_SECONDS = 0
    _home_with_blocks()
    for _ in range(2):
        client.get("/")
    # The route (site, locale, page), then the cards: one query of products, one of stalls.
    with django_assert_max_num_queries(5):
        assert client.get("/").status_code == 200


# --- The editor's side ---------------------------------------------------------------------------


def test_editor_edits_and_previews_carousels_with_unsaved_choices(client):
    saved = ProductFactory(name="Banh pia da luu")
    unsaved, unsaved_stall = ProductFactory(name="Mứt gừng chưa lưu"), StallFactory(name="Gian hàng chưa lưu")
    home = home_page()
    home.body = json.dumps([carousel([saved])])
    home.save_revision().publish()
    client.force_login(UserFactory(groups=[roles.EDITOR]))

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert edit.status_code == 200
    assert "Banh pia da luu" in edit.content.decode()  # the chooser shows the saved choice

    data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    body = {
        "body": streamfield(
            [
                ("product_carousel", {"title": "Mới", "products": streamfield([("item", unsaved.pk)])}),
                ("stall_carousel", {"title": "Gian mới", "stalls": streamfield([("item", unsaved_stall.pk)])}),
            ]
        )
    }
    for key, value in nested_form_data(body).items():
        data[key] = value
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[home.pk])
    assert client.post(url, data).json()["is_valid"]
    preview = client.get(url).content.decode()
    rails = preview[preview.index('<div class="body">') :]
    assert "Mứt gừng chưa lưu" in rails and "Gian hàng chưa lưu" in rails
    assert "Banh pia da luu" not in rails
