"""Storefront pages: product, stall, listings, home page, 404s and English."""

import html
import json
import re

import pytest

from catalog.models import Product
from cms.models import HomeFeaturedProduct
from tests.factories.catalog import OcopCertificateFactory, ProductFactory, ProductImageFactory
from tests.factories.cms import home_page
from tests.factories.producers import ProvinceFactory, StallFactory

pytestmark = pytest.mark.django_db


def json_ld(response):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return [json.loads(block) for block in blocks]


@pytest.fixture
def product():
    stall = StallFactory(name="Lò bánh Tân Huê Viên")
    item = ProductFactory(name="Bánh pía sầu riêng", price=150000, unit="hộp 4 cái", producer=stall.producer)
    ProductImageFactory(product=item)
    OcopCertificateFactory(product=item, stars=4)
    return item


def test_product_page_shows_name_price_unit_and_stall_link(client, product):
    response = client.get("/products/banh-pia-sau-rieng/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bánh pía sầu riêng" in content
    assert "150.000 ₫" in content
    assert "hộp 4 cái" in content
    assert f'href="{product.producer.stall.get_absolute_url()}"' in content
    assert response.context["product"] == product


def test_product_page_has_product_json_ld_in_vnd(client, product):
    data = [d for d in json_ld(client.get(product.get_absolute_url())) if d.get("@type") == "Product"]
    assert len(data) == 1
    offer = data[0]["offers"]
    assert offer["priceCurrency"] == "VND"
    assert offer["price"] == "150000"
    assert offer["availability"] == "https://schema.org/InStock"
    assert data[0]["name"] == "Bánh pía sầu riêng"
    assert data[0]["image"][0].startswith("http://testserver/")


def test_product_json_ld_cannot_close_its_script_element(client):
    item = ProductFactory(name="Bánh </script><script>alert(1)</script>")
    content = client.get(item.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    data = [d for d in json_ld(client.get(item.get_absolute_url())) if d.get("@type") == "Product"]
    assert data[0]["name"] == item.name


def test_product_page_shows_the_ocop_star_badge(client, product):
    response = client.get(product.get_absolute_url())
    assert response.context["certificate"].stars == 4
    assert "★★★★" in response.content.decode()


@pytest.mark.parametrize("status", [Product.Status.DRAFT, Product.Status.ARCHIVED])
def test_unpublished_product_page_is_404(client, status):
    item = ProductFactory(status=status)
    assert client.get(f"/products/{item.slug}/").status_code == 404


def test_product_of_an_unpublished_stall_is_404(client):
    item = ProductFactory(producer=StallFactory(is_published=False).producer)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_unknown_product_slug_gives_the_friendly_404_page(client):
    response = client.get("/products/khong-co-san-pham-nay/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert 'href="/products/"' in response.content.decode()


def test_unknown_stall_slug_is_404(client):
    response = client.get("/stalls/khong-co/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_unpublished_stall_page_is_404(client):
    stall = StallFactory(is_published=False)
    assert client.get(stall.get_absolute_url()).status_code == 404


def test_stall_page_lists_only_its_published_products(client):
    stall = StallFactory(name="Hợp tác xã Mắm Châu Đốc")
    ProductFactory(name="Mắm cá linh", producer=stall.producer)
    ProductFactory(name="Mắm thái nháp", producer=stall.producer, status=Product.Status.DRAFT)
    ProductFactory(name="Mắm lưu trữ", producer=stall.producer, status=Product.Status.ARCHIVED)
    ProductFactory(name="Bánh của gian khác")
    response = client.get(stall.get_absolute_url())
    assert response.status_code == 200
    assert [p.name for p in response.context["products"]] == ["Mắm cá linh"]
    content = response.content.decode()
    assert "Hợp tác xã Mắm Châu Đốc" in content
    assert "Mắm cá linh" in content
    assert "Mắm thái nháp" not in content
    assert "Bánh của gian khác" not in content


def test_stall_list_shows_only_published_stalls_with_their_published_product_count(client):
    stall = StallFactory(name="Gian Cô Ba")
    ProductFactory(producer=stall.producer)
    ProductFactory(producer=stall.producer, status=Product.Status.DRAFT)
    StallFactory(name="Gian ẩn", is_published=False)
    response = client.get("/stalls/")
    assert response.status_code == 200
    stalls = list(response.context["stalls"])
    assert [s.name for s in stalls] == ["Gian Cô Ba"]
    assert stalls[0].product_count == 1
    assert "Gian ẩn" not in response.content.decode()


def test_stall_list_filters_by_province(client):
    an_giang = ProvinceFactory(code="91", short_name="An Giang", slug="an-giang")
    dak_lak = ProvinceFactory(code="66", short_name="Đắk Lắk", slug="dak-lak")
    StallFactory(name="Gian An Giang", province=an_giang, commune=None)
    StallFactory(name="Gian Đắk Lắk", province=dak_lak, commune=None)
    response = client.get("/stalls/", {"province": "dak-lak"})
    assert response.status_code == 200
    assert [s.name for s in response.context["stalls"]] == ["Gian Đắk Lắk"]
    assert response.context["province"] == dak_lak


def test_stall_list_with_an_unknown_province_shows_every_stall_and_says_so(client):
    StallFactory(name="Gian A")
    StallFactory(name="Gian B")
    response = client.get("/stalls/", {"province": "khong-co"})
    assert response.status_code == 200
    assert len(response.context["stalls"]) == 2
    assert response.context["province_error"]
    assert str(response.context["province_error"]) in response.content.decode()


def test_english_product_list_is_served_in_english(client, product):
    response = client.get("/en/products/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    assert [p.name for p in response.context["products"]] == ["Bánh pía sầu riêng"]


def test_vietnamese_is_the_default_language(client, product):
    response = client.get("/products/")
    assert '<html lang="vi"' in response.content.decode()


def test_english_product_page_is_served_in_english(client, product):
    response = client.get(f"/en/products/{product.slug}/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_product_list_shows_prices_in_vnd(client, product):
    content = client.get("/products/").content.decode()
    assert "Bánh pía sầu riêng" in content
    assert "150.000 ₫" in content


def test_home_page_shows_the_newest_products_when_none_are_chosen(client, product):
    home_page(hero_title="Chợ OCOP")
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Chợ OCOP" in content
    assert "Bánh pía sầu riêng" in content
    assert "Lò bánh Tân Huê Viên" in content


def test_home_page_shows_the_chosen_products_in_order_and_skips_unpublished_ones(client):
    first, second = ProductFactory(name="Trà Shan tuyết"), ProductFactory(name="Cà phê Robusta")
    draft = ProductFactory(name="Bản nháp", status=Product.Status.DRAFT)
    page = home_page()
    for order, item in enumerate([second, draft, first]):
        HomeFeaturedProduct.objects.create(page=page, product=item, sort_order=order)
    response = client.get("/")
    assert response.status_code == 200
    assert [p.name for p in response.context["featured_products"]] == ["Cà phê Robusta", "Trà Shan tuyết"]
    assert "Bản nháp" not in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "999"])
def test_stall_list_with_a_bad_page_shows_the_first_page_and_says_so(client, page):
    StallFactory(name="Gian A")
    response = client.get("/stalls/", {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert response.context["page_error"]
    assert html.escape(response.context["page_error"]) in response.content.decode()


def test_stall_page_with_a_bad_page_shows_the_first_page_and_says_so(client):
    stall = StallFactory()
    ProductFactory(name="Mắm cá linh", producer=stall.producer)
    response = client.get(stall.get_absolute_url(), {"page": "abc"})
    assert response.status_code == 200
    assert [p.name for p in response.context["products"]] == ["Mắm cá linh"]
    assert html.escape(response.context["page_error"]) in response.content.decode()


@pytest.mark.django_db
def test_product_page_still_opens_when_a_photo_file_is_missing(client):
    """A lost upload shows a placeholder, never a 500."""
    photo = ProductImageFactory()
    photo.image.file.storage.delete(photo.image.file.name)
    response = client.get(photo.product.get_absolute_url())
    assert response.status_code == 200
    assert photo.product.name in response.content.decode()


@pytest.mark.django_db
def test_a_sold_out_product_card_says_so(client):
    ProductFactory(name="Khô cá lóc", stock=0)
    html = client.get("/products/").content.decode()
    assert '<span class="tag out">Hết hàng</span>' in html
