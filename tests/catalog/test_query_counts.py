"""The storefront's pages cost the same number of queries for 24 and for 240 products.

Honest measurement: the first request of each page creates the rendition rows (and
files); then the cache is cleared, so that Wagtail's rendition cache cannot hide a
rendition the page asks for without having prefetched it (that would be one query
per image). Each page must also show real renditions (``.webp``), not placeholders.

The 240 products are built once for the module inside a transaction that is rolled
back at the end; each test measures with all of them, deletes down to 24 (rolled
back with the test) and measures again.
"""

import itertools

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.signal_handlers import disable_reference_index_auto_update

from catalog.models import Product
from tests.factories.catalog import (
    CategoryFactory,
    ImageFactory,
    OcopCertificateFactory,
    ProductFactory,
    ProductImageFactory,
)
from tests.factories.cms import home_page
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db

# Every storefront page stays under 15 queries once the reference data (site root paths,
# offers, menu, site settings) is in the cache, as it is for all but the first request
# after a change; with an empty cache it may take a few more, never per product.
MAX_QUERIES = 15
MAX_QUERIES_EMPTY_CACHE = 20
SIZES = (240, 24)


class Shop:
    """One big stall and a few small ones, with products sharing a handful of images."""

    def __init__(self):
        self.images = ImageFactory.create_batch(4)
        self.stall = StallFactory(name="Gian hàng lớn", logo=self.images[0], cover=self.images[1])
        self.others = [StallFactory(logo=self.images[2]) for _ in range(3)]
        self.categories = CategoryFactory.create_batch(3)
        self._n = itertools.count()

    def grow_to(self, total):
        while Product.objects.count() < total:
            n = next(self._n)
            stall = self.stall if n % 4 else self.others[n % 3]
            product = ProductFactory(
                name=f"Đặc sản số {n}",
                producer=stall.producer,
                category=self.categories[n % 3],
                price=10000 + n,
                stock=n % 5,
                description="<p>Làm thủ công.</p>",
            )
            ProductImageFactory(product=product, image=self.images[n % 4], sort_order=0)
            ProductImageFactory(product=product, image=self.images[(n + 1) % 4], sort_order=1)
            OcopCertificateFactory(product=product, stars=3 + n % 3)
            if n % 7 == 0:  # a revoked one too, which must not change anything
                OcopCertificateFactory(product=product, stars=5, status="revoked")

    @property
    def a_product(self):
        return Product.objects.filter(producer=self.stall.producer).order_by("pk").first()


def count_queries(client, url):
    """(queries with an empty cache, queries of the next request), and the SQL of the first."""
    warm = client.get(url)
    assert warm.status_code == 200, url
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200, url
    assert ".webp" in response.content.decode(), f"{url} shows no rendition"
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    return (len(cold), len(again)), [q["sql"] for q in again.captured_queries]


def shrink_to(total, keep):
    """Delete the newest products down to `total`, keeping the products in `keep`."""
    extra = Product.objects.count() - total
    if extra > 0:
        pks = Product.objects.exclude(pk__in=[p.pk for p in keep]).order_by("-pk").values_list("pk", flat=True)
        Product.objects.filter(pk__in=list(pks[:extra])).delete()
    assert Product.objects.count() == total


def assert_same_cost(client, url, shop, sizes=SIZES, keep=()):
    counts = {}
    for size in sizes:
        shrink_to(size, keep)
        counts[size], sql = count_queries(client, url)
        empty_cache, cached = counts[size]
        assert cached < MAX_QUERIES, f"{url} with {size} products: {cached} queries\n" + ("\n".join(sql))
        assert empty_cache < MAX_QUERIES_EMPTY_CACHE, f"{url} with {size} products, empty cache: {empty_cache}"
    assert len(set(counts.values())) == 1, f"{url}: queries grow with the catalogue: {counts}"
    return counts


@pytest.fixture(scope="module")
def _shop(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = tmp_path_factory.mktemp("shop_media")
    with django_db_blocker.unblock():
        old_media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, media
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # Wagtail's reference index (admin "usage" counts) is not under test: skip it.
            with disable_reference_index_auto_update():
                shop = Shop()
                shop.grow_to(240)
            shop.media = media
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        finally:
            settings.MEDIA_ROOT = old_media
    yield shop
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def shop(_shop, settings):
    settings.MEDIA_ROOT = _shop.media  # where the module's images were written
    return _shop


def test_product_list_queries_do_not_grow_with_the_catalogue(client, shop):
    assert_same_cost(client, "/products/", shop)


def test_filtered_and_searched_product_list_queries_do_not_grow(client, shop):
    url = "/products/?q=dac+san&stars=3&in_stock=on&sort=price_desc&category=" + shop.categories[0].slug
    assert_same_cost(client, url, shop)


def test_second_page_of_the_product_list_costs_the_same(client, shop):
    assert_same_cost(client, "/products/?page=2", shop, sizes=(240, 48))


def test_product_page_queries_do_not_grow_with_the_catalogue(client, shop):
    product = shop.a_product
    assert_same_cost(client, product.get_absolute_url(), shop, keep=[product])


def test_stall_page_queries_do_not_grow_with_its_products(client, shop):
    assert_same_cost(client, shop.stall.get_absolute_url(), shop)


def test_home_page_queries_do_not_grow_with_the_catalogue(client, shop):
    home_page()
    assert_same_cost(client, "/", shop)


def test_stall_list_queries_do_not_grow_with_the_number_of_stalls(client, shop):
    counts = []
    for extra in (0, 30):
        for _ in range(extra):
            StallFactory(logo=shop.images[3])
        counts.append(count_queries(client, "/stalls/")[0])
    assert counts[0] == counts[1], counts
    assert counts[0][1] < MAX_QUERIES and counts[0][0] < MAX_QUERIES_EMPTY_CACHE, counts


def test_a_misspelt_search_and_its_correction_cost_the_same_for_every_catalogue_size(client, shop):
    # "dac sna": nothing matches; the page shows the results of "đặc sản" instead.
    assert_same_cost(client, "/products/?q=dac+sna", shop)
