"""Stars, "đã bán" and delivery estimates cost no query per card, and the product page's
reviews a fixed two (the reviews, their photos), only when the product has any."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from reviews import services
from tests.factories.catalog import ImageFactory, OcopCertificateFactory, ProductFactory, ProductImageFactory
from tests.factories.producers import StallFactory

from .conftest import deliver, photo

pytestmark = pytest.mark.django_db


def cold_queries(client, url) -> int:
    """Queries of a render with every cache empty, after a first request made the renditions."""
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def shelf():
    image = ImageFactory()
    stall = StallFactory()
    products = []
    for n in range(12):
        product = ProductFactory(producer=stall.producer, name=f"Đặc sản {n}", stock=5)
        ProductImageFactory(product=product, image=image)
        OcopCertificateFactory(product=product, stars=4)
        products.append(product)
    return products


def test_listing_costs_the_same_with_ratings_and_sold_counts(client, shelf):
    before = cold_queries(client, "/products/")
    Product.objects.update(rating_average="4.50", rating_count=12, sold_count=1234)
    cache.clear()
    html = client.get("/products/").content.decode()
    assert html.count("★ 4,5 (12)") == 12 and html.count("Đã bán 1.234") == 12
    assert cold_queries(client, "/products/") == before


def test_stall_page_costs_the_same_with_ratings_and_sold_counts(client, shelf):
    url = shelf[0].producer.stall.get_absolute_url()
    before = cold_queries(client, url)
    Product.objects.update(rating_average="3.00", rating_count=2, sold_count=7)
    assert cold_queries(client, url) == before


def test_product_page_reviews_cost_two_queries_whatever_their_number(client, shelf, editor):
    product = shelf[0]
    url = product.get_absolute_url()
    without = cold_queries(client, url)
    for n in range(4):
        from tests.factories.orders import OrderFactory

        line = deliver(OrderFactory(items=[(product, 1)], paid=True).groups.get()).lines.get()
        review = services.review_submit(
            line=line,
            rating=5 - n % 2,
            text=f"Đánh giá số {n}: hàng tốt",
            author_name=f"Người mua {n}",
            photos=[_clean(photo())],
        )
        services.review_moderate(review=review, approve=True, actor=editor)
        if n == 0:
            one = cold_queries(client, url)
    four = cold_queries(client, url)
    assert one == without + 2
    assert four == one
    assert "Đánh giá số 3: hàng tốt" in client.get(url).content.decode()


def _clean(upload):
    from onboarding.uploads import clean_image

    return clean_image(upload)
