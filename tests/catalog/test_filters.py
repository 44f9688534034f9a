"""Every filter of GET /products/, bad values, sorting and pagination."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from catalog.models import OcopCertificate
from tests.factories.catalog import CategoryFactory, OcopCertificateFactory, ProductFactory
from tests.factories.producers import ProvinceFactory, StallFactory

pytestmark = pytest.mark.django_db


def listing(client, url="/products/", **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def names(response):
    return sorted(p.name for p in response.context["products"])


def ordered_names(response):
    return [p.name for p in response.context["products"]]


@pytest.fixture
def catalogue():
    """Four products in two provinces, two category trees, with prices, stock and stars."""
    an_giang = ProvinceFactory(code="91", name="Tỉnh An Giang", short_name="An Giang", slug="an-giang")
    dak_lak = ProvinceFactory(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk", slug="dak-lak")
    food = CategoryFactory(name="Thực phẩm thử")
    sweets = CategoryFactory(name="Bánh kẹo thử", parent=food)
    drinks = CategoryFactory(name="Đồ uống thử")
    cô_ba = StallFactory(name="Cô Ba An Giang", province=an_giang, commune=None)
    buon_ma = StallFactory(name="Cà phê Buôn Ma", province=dak_lak, commune=None)
    now = timezone.now()
    products = {
        "Đường thốt nốt": ProductFactory(
            name="Đường thốt nốt",
            category=food,
            producer=cô_ba.producer,
            price=60000,
            stock=5,
            published_at=now - datetime.timedelta(days=3),
        ),
        "Bánh pía": ProductFactory(
            name="Bánh pía",
            category=sweets,
            producer=cô_ba.producer,
            price=150000,
            stock=0,
            published_at=now - datetime.timedelta(days=1),
        ),
        "Cà phê Robusta": ProductFactory(
            name="Cà phê Robusta",
            category=drinks,
            producer=buon_ma.producer,
            price=250000,
            stock=12,
            published_at=now - datetime.timedelta(days=2),
        ),
        "Trà Shan tuyết": ProductFactory(
            name="Trà Shan tuyết",
            category=drinks,
            producer=buon_ma.producer,
            price=1500000,
            stock=1,
            published_at=now,
        ),
    }
    OcopCertificateFactory(product=products["Đường thốt nốt"], stars=5)
    OcopCertificateFactory(product=products["Bánh pía"], stars=3)
    OcopCertificateFactory(product=products["Cà phê Robusta"], stars=4)
    return {"products": products, "an_giang": an_giang, "food": food, "sweets": sweets, "cô_ba": cô_ba}


ALL = ["Bánh pía", "Cà phê Robusta", "Trà Shan tuyết", "Đường thốt nốt"]


def test_no_filter_lists_every_published_product(client, catalogue):
    response = listing(client)
    assert names(response) == ALL
    assert response.context["filter_errors"] == {}


def test_top_level_category_includes_its_subcategories(client, catalogue):
    assert names(listing(client, category="thuc-pham-thu")) == ["Bánh pía", "Đường thốt nốt"]


def test_subcategory_lists_only_its_own_products(client, catalogue):
    assert names(listing(client, category="banh-keo-thu")) == ["Bánh pía"]


def test_province_filter_uses_the_stall_province_slug(client, catalogue):
    assert names(listing(client, province="dak-lak")) == ["Cà phê Robusta", "Trà Shan tuyết"]


@pytest.mark.parametrize(
    ("stars", "expected"),
    [
        ("3", ["Bánh pía", "Cà phê Robusta", "Đường thốt nốt"]),
        ("4", ["Cà phê Robusta", "Đường thốt nốt"]),
        ("5", ["Đường thốt nốt"]),
    ],
)
def test_stars_filter_is_a_minimum(client, catalogue, stars, expected):
    assert names(listing(client, stars=stars)) == expected


def test_stars_filter_ignores_expired_and_revoked_certificates(client, catalogue):
    tea = catalogue["products"]["Trà Shan tuyết"]
    OcopCertificateFactory(product=tea, stars=5, expires_on=timezone.localdate() - datetime.timedelta(days=1))
    OcopCertificateFactory(product=tea, stars=5, status=OcopCertificate.Status.REVOKED)
    OcopCertificateFactory(product=tea, stars=5, status=OcopCertificate.Status.REEVALUATING)
    assert names(listing(client, stars="5")) == ["Đường thốt nốt"]
    OcopCertificateFactory(product=tea, stars=3)
    assert names(listing(client, stars="3")) == ["Bánh pía", "Cà phê Robusta", "Trà Shan tuyết", "Đường thốt nốt"]
    assert names(listing(client, stars="4")) == ["Cà phê Robusta", "Đường thốt nốt"]


def test_min_price_and_max_price_are_inclusive(client, catalogue):
    assert names(listing(client, min_price="150000")) == ["Bánh pía", "Cà phê Robusta", "Trà Shan tuyết"]
    assert names(listing(client, max_price="150000")) == ["Bánh pía", "Đường thốt nốt"]
    assert names(listing(client, min_price="100000", max_price="300000")) == ["Bánh pía", "Cà phê Robusta"]


def test_in_stock_hides_sold_out_products(client, catalogue):
    assert names(listing(client, in_stock="on")) == ["Cà phê Robusta", "Trà Shan tuyết", "Đường thốt nốt"]
    assert names(listing(client, in_stock="")) == ALL


def test_producer_filter_takes_the_stall_slug(client, catalogue):
    response = listing(client, producer=catalogue["cô_ba"].slug)
    assert names(response) == ["Bánh pía", "Đường thốt nốt"]


def test_filters_combine(client, catalogue):
    response = listing(client, province="an-giang", in_stock="on", stars="4")
    assert names(response) == ["Đường thốt nốt"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Trà Shan tuyết", "Bánh pía", "Cà phê Robusta", "Đường thốt nốt"]),
        ("newest", ["Trà Shan tuyết", "Bánh pía", "Cà phê Robusta", "Đường thốt nốt"]),
        ("price_asc", ["Đường thốt nốt", "Bánh pía", "Cà phê Robusta", "Trà Shan tuyết"]),
        ("price_desc", ["Trà Shan tuyết", "Cà phê Robusta", "Bánh pía", "Đường thốt nốt"]),
        # Vietnamese alphabetical order: Đ sorts with D, not after Z.
        ("name", ["Bánh pía", "Cà phê Robusta", "Đường thốt nốt", "Trà Shan tuyết"]),
    ],
)
def test_sort_orders(client, catalogue, sort, expected):
    assert ordered_names(listing(client, sort=sort)) == expected


def test_name_sort_ignores_case(client):
    ProductFactory(name="bánh tét")
    ProductFactory(name="Cốm làng Vòng")
    ProductFactory(name="Am trà gốm")
    assert ordered_names(listing(client, sort="name")) == ["Am trà gốm", "bánh tét", "Cốm làng Vòng"]


def test_result_count_is_shown(client, catalogue):
    response = listing(client, "/en/products/", province="dak-lak")
    assert response.context["page_obj"].paginator.count == 2
    assert "2 products" in response.content.decode()


@pytest.fixture
def thirty_products():
    category = CategoryFactory(name="Nhóm phân trang")
    stall = StallFactory()
    return [
        ProductFactory(name=f"Sản phẩm {i:02d}", category=category, producer=stall.producer, price=1000 * (i + 1))
        for i in range(30)
    ]


def test_pages_hold_24_products_and_keep_the_filters_in_their_links(client, thirty_products):
    params = {"category": "nhom-phan-trang", "sort": "price_asc", "in_stock": "on"}
    first = listing(client, **params)
    assert len(first.context["products"]) == 24
    assert first.context["page_obj"].paginator.count == 30
    assert parse_qs(first.context["querystring"]) == {k: [v] for k, v in params.items()}
    link = re.search(r'rel="next" href="([^"]+)"', first.content.decode())
    assert link, "no link to the next page"
    query = parse_qs(urlsplit(html.unescape(link.group(1))).query)
    assert query == {**{k: [v] for k, v in params.items()}, "page": ["2"]}

    second = listing(client, **params, page="2")
    assert [p.price for p in second.context["products"]] == [1000 * (i + 1) for i in range(24, 30)]
    assert "page" not in parse_qs(second.context["querystring"])


BAD_VALUES = [
    ("min_price", "abc"),
    ("max_price", "-5"),
    ("province", "unknown"),
    ("stars", "9"),
    ("category", "nope"),
    ("producer", "no-such-stall"),
    ("sort", "bogus"),
    ("q", "x" * 201),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_a_bad_filter_value_is_ignored_with_a_visible_error(client, catalogue, field, value):
    response = listing(client, **{field: value})
    assert names(response) == ALL
    assert ordered_names(response) == ordered_names(listing(client))
    errors = response.context["filter_errors"]
    assert list(errors) == [field]
    content = response.content.decode()
    for message in errors[field]:
        assert html.escape(message) in content


def test_a_bad_value_leaves_the_other_filters_working(client, catalogue):
    response = listing(client, province="dak-lak", min_price="abc", stars="9")
    assert names(response) == ["Cà phê Robusta", "Trà Shan tuyết"]
    assert set(response.context["filter_errors"]) == {"min_price", "stars"}


@pytest.mark.parametrize("page", ["999", "abc", "0", "-1", "99999999999999999999999"])
def test_a_page_that_does_not_exist_shows_the_first_page_with_an_error(client, thirty_products, page):
    response = listing(client, page=page)
    assert response.context["page_obj"].number == 1
    assert len(response.context["products"]) == 24
    errors = response.context["filter_errors"]
    assert list(errors) == ["page"]
    assert html.escape(errors["page"][0]) in response.content.decode()


def test_a_valid_page_number_gives_no_error(client, thirty_products):
    response = listing(client, page="2")
    assert response.context["page_obj"].number == 2
    assert response.context["filter_errors"] == {}


def test_an_empty_result_is_not_an_error(client, catalogue):
    response = listing(client, q="khong co gi")
    assert names(response) == []
    assert response.context["filter_errors"] == {}


def test_drafts_archived_and_unpublished_stalls_are_never_listed(client, catalogue):
    ProductFactory(name="Nháp", status="draft")
    ProductFactory(name="Lưu trữ", status="archived")
    ProductFactory(name="Gian ẩn", producer=StallFactory(is_published=False).producer)
    assert names(listing(client)) == ALL
