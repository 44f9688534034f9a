import datetime
import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.models import HomeFeaturedProduct, PromotionPage, PromotionProduct
from tests.factories.catalog import ImageFactory, ProductFactory, ProductImageFactory
from tests.factories.cms import home_page, promotion, promotion_index

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def strip(html: str) -> str:
    return re.sub(r"\s+", " ", html.replace("\xa0", " "))


def shown_prices(client, product):
    listing = strip(client.get(reverse("catalog:product-list")).content.decode())
    detail = strip(client.get(product.get_absolute_url()).content.decode())
    return listing, detail


def test_a_live_promotion_changes_the_price_on_the_catalog_and_the_product_page(client):
    item = ProductFactory(price=150000)
    promo = promotion(products=[item], discount_value=10, title="Tuần lễ đặc sản")

    listing, detail = shown_prices(client, item)

    for html in (listing, detail):
        assert "<b>135.000 ₫</b>" in html
        assert re.search(r"<del>.*?150\.000 ₫</del>", html)
        assert "-10%" in html
        assert f'href="{promo.url}">Tuần lễ đặc sản</a>' in html
    assert '<span class="tag sale">-10%</span>' in listing  # the card's badge, as markup
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', detail).group(1))
    assert ld["offers"]["price"] == "135000"


@pytest.mark.parametrize(
    ("starts_in", "ends_in"),
    [(-10 * DAY, -DAY), (DAY, 3 * DAY)],
    ids=["expired", "future"],
)
def test_an_expired_or_future_promotion_does_not_change_the_price(client, starts_in, ends_in):
    item = ProductFactory(price=150000)
    promotion(products=[item], discount_value=10, starts_in=starts_in, ends_in=ends_in)

    for html in shown_prices(client, item):
        assert "<b>150.000 ₫</b>" in html
        assert "135.000 ₫" not in html
        assert "<del>" not in html


def test_a_draft_promotion_does_not_change_the_price(client):
    item = ProductFactory(price=150000)
    promotion(products=[item], live=False)

    assert "135.000 ₫" not in shown_prices(client, item)[0]


def test_scheduled_go_live_and_expiry_put_the_campaign_on_and_off_on_time(client):
    item = ProductFactory(price=200000)
    start = timezone.now().replace(microsecond=0) + DAY
    end = start + 2 * DAY
    with time_machine.travel(start - DAY, tick=False):
        page = promotion(
            products=[item],
            discount_kind="amount",
            discount_value=50000,
            starts_at=start,
            ends_at=end,
            go_live_at=start,
            expire_at=end,
            live=False,
        )
        page.save_revision().publish()  # go-live in the future: scheduled, not live
        page.refresh_from_db()
        assert not page.live
        assert "150.000 ₫" not in shown_prices(client, item)[0]

    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert page.live
        listing, detail = shown_prices(client, item)
        assert "<b>150.000 ₫</b>" in listing
        assert "<b>150.000 ₫</b>" in detail
        assert client.get(page.url).status_code == 200

    with time_machine.travel(end + datetime.timedelta(minutes=5), tick=False):
        # Even before the scheduler runs, the price is back at the end of the campaign.
        assert "150.000 ₫" not in shown_prices(client, item)[0]
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert not page.live
        assert page.expired
        assert client.get(page.url).status_code == 404


def test_promotion_page_lists_its_products_with_the_best_price(client):
    index = promotion_index()
    chosen = ProductFactory(price=100000, name="Mật ong rừng")
    by_category = ProductFactory(price=100000, name="Trà shan tuyết")
    ProductFactory(name="Không khuyến mãi")
    page = promotion(index, products=[chosen], categories=[by_category.category], discount_value=10)
    promotion(index, products=[by_category], discount_value=30)  # a better deal elsewhere

    html = strip(client.get(page.url).content.decode())

    assert "Mật ong rừng" in html and "Trà shan tuyết" in html
    assert "Không khuyến mãi" not in html
    assert "<b>90.000 ₫</b>" in html  # this promotion
    assert "<b>70.000 ₫</b>" in html  # the other one is better for the buyer
    assert "Đang diễn ra, đến hết" in html


def test_promotion_page_says_when_the_campaign_has_not_started_or_has_ended(client):
    index = promotion_index()
    future = promotion(index, starts_in=DAY, ends_in=2 * DAY)
    past = promotion(index, starts_in=-3 * DAY, ends_in=-DAY)

    assert "chưa bắt đầu" in client.get(future.url).content.decode()
    assert "đã kết thúc" in client.get(past.url).content.decode()


def test_promotion_index_lists_current_then_upcoming_never_expired(client):
    index = promotion_index()
    upcoming = promotion(index, title="Sắp tới", starts_in=DAY, ends_in=2 * DAY)
    promotion(index, title="Đã qua", starts_in=-3 * DAY, ends_in=-DAY)
    current = promotion(index, title="Đang diễn ra")
    promotion(index, title="Bản nháp", live=False)

    html = client.get(index.url).content.decode()

    assert html.index(current.title) < html.index(upcoming.title)
    assert "Đã qua" not in html
    assert "Bản nháp" not in html


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"starts_in": DAY, "ends_in": -DAY}, "ends_at"),
        ({"discount_kind": "percent", "discount_value": 0}, "discount_value"),
        ({"discount_kind": "percent", "discount_value": 101}, "discount_value"),
        ({"discount_kind": "amount", "discount_value": 0}, "discount_value"),
    ],
)
def test_promotion_clean_refuses_impossible_campaigns(fields, error_field):
    now = timezone.now()
    page = PromotionPage(
        title="Sai",
        slug="sai",
        starts_at=now + fields.pop("starts_in", -DAY),
        ends_at=now + fields.pop("ends_in", DAY),
        **{"discount_kind": "percent", "discount_value": 10, **fields},
    )
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert error_field in error.value.message_dict


def test_promotion_is_on_sale_only_while_live_and_between_its_dates():
    page = promotion()
    assert page.is_on_sale()
    assert not page.is_on_sale(at=page.ends_at)
    assert not page.is_on_sale(at=page.starts_at - datetime.timedelta(seconds=1))
    page.live = False
    assert not page.is_on_sale()


# --- query counts --------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # renditions created, sites' root paths cached
    cache.clear()  # renditions must come from the prefetch, not Wagtail's cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _promoted(count, images, start=0):
    products = []
    for n in range(start, start + count):
        product = ProductFactory(name=f"Đặc sản {n}", price=100000 + n)
        ProductImageFactory(product=product, image=images[n % len(images)])
        products.append(product)
    return products


def test_home_and_promotion_page_queries_do_not_grow_with_promoted_products(client):
    home = home_page()
    index = promotion_index(home)
    images = ImageFactory.create_batch(3)
    products = _promoted(5, images)
    page = promotion(index, products=products)
    for i, product in enumerate(products):
        HomeFeaturedProduct.objects.create(page=home, product=product, sort_order=i)
    small = (_queries(client, home.url), _queries(client, page.url))

    more = _promoted(45, images, start=5)
    for i, product in enumerate(more, start=len(products)):
        PromotionProduct.objects.create(page=page, product=product, sort_order=i)
        if i < 24:
            HomeFeaturedProduct.objects.create(page=home, product=product, sort_order=i)
    large = (_queries(client, home.url), _queries(client, page.url))

    assert small == large, (small, large)
    html = client.get(page.url).content.decode()
    assert "50 sản phẩm trong chương trình khuyến mãi này" in html
    assert html.count('class="card"') == 24
    assert strip(client.get(home.url).content.decode()).count("<del>") >= 24
