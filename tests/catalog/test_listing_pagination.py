"""The catalog pages by id then loads that page's cards, and keeps its count in the cache.

Each page must show the products of the listing's order, the same as one ordered query
would, on every page, the last included; the cached count must follow every change a
buyer would see (a product published or unpublished, a stall closed, stock sold out).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import queries
from catalog.models import Product
from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_pages_no_page_cache(settings):
    settings.PAGE_SIZE = 4
    # The page cache would hide a stale count: the count's own cache is under test.
    settings.STOREFRONT_CACHE_SECONDS = 0


def shown(client, **params):
    response = client.get("/products/", params)
    assert response.status_code == 200
    return response


def names(response):
    return [p.name for p in response.context["products"]]


def count(response):
    return response.context["page_obj"].paginator.count


@pytest.fixture
def eleven():
    """Eleven products: seven published in one batch (same time: the id decides), four older."""
    stalls = [StallFactory(), StallFactory()]
    batch = timezone.now().replace(microsecond=0)
    products = []
    for n in range(11):
        when = batch if n < 7 else batch - datetime.timedelta(days=n)
        products.append(
            ProductFactory(
                name=f"Mật ong số {n:02d}", producer=stalls[n % 2].producer, price=1000 * (11 - n), published_at=when
            )
        )
    return products


def test_every_page_shows_the_next_products_newest_first_the_last_page_included(client, eleven):
    expected = [p.name for p in sorted(eleven, key=lambda p: (p.published_at, p.pk), reverse=True)]
    pages = [names(shown(client, page=str(n))) for n in (1, 2, 3)]
    assert pages == [expected[0:4], expected[4:8], expected[8:11]]
    assert count(shown(client, page="3")) == 11


def test_a_sorted_and_filtered_listing_pages_the_same_way(client, eleven):
    stall = eleven[0].producer.stall
    mine = sorted((p for p in eleven if p.producer_id == stall.producer_id), key=lambda p: (p.price, p.pk))
    first = shown(client, producer=stall.slug, sort="price_asc")
    last = shown(client, producer=stall.slug, sort="price_asc", page="2")
    assert names(first) + names(last) == [p.name for p in mine]
    assert count(last) == len(mine) == 6


def test_search_results_keep_their_ranking_across_pages(client, eleven):
    everything = names(shown(client, q="mat ong")) + names(shown(client, q="mat ong", page="2"))
    everything += names(shown(client, q="mat ong", page="3"))
    assert sorted(everything) == sorted(p.name for p in eleven)
    assert len(set(everything)) == 11


def test_cards_of_a_page_carry_their_stars_and_stall(client, eleven):
    newest = max(eleven, key=lambda p: (p.published_at, p.pk))
    OcopCertificateFactory(product=newest, stars=5)
    (card, *_rest) = shown(client).context["products"]
    assert card.pk == newest.pk
    assert card.stars == 5
    assert card.producer.stall.name == newest.producer.stall.name


def test_the_count_is_read_once_then_from_the_cache(client, eleven):
    shown(client)
    with CaptureQueriesContext(connection) as queries_run:
        response = shown(client)
    assert count(response) == 11
    assert not [q for q in queries_run.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_count_follows_a_product_unpublished_then_published_again(client, eleven):
    assert count(shown(client)) == 11
    product = eleven[3]
    product.status = Product.Status.DRAFT
    product.save()
    response = shown(client)
    assert count(response) == 10
    assert product.name not in names(response) + names(shown(client, page="2")) + names(shown(client, page="3"))
    product.status = Product.Status.PUBLISHED
    product.save()
    assert count(shown(client)) == 11


def test_the_count_follows_a_new_product_and_a_closed_stall(client, eleven):
    assert count(shown(client)) == 11
    ProductFactory(name="Mật ong mới", producer=eleven[0].producer)
    assert count(shown(client)) == 12
    stall = eleven[1].producer.stall
    stall.is_published = False
    stall.save()
    assert count(shown(client)) == 7  # the other stall's six and the new product


def test_the_in_stock_count_follows_a_sold_out_product(client, eleven):
    assert count(shown(client, in_stock="true")) == 11
    Product.objects.filter(pk=eleven[0].pk).update(stock=0)  # as orders reserve stock
    from core.page_invalidation import storefront_changed

    storefront_changed()  # what the orders' stock services call
    assert count(shown(client, in_stock="true")) == 10


def test_the_count_of_one_filter_is_not_served_for_another(client, eleven):
    stall = eleven[0].producer.stall
    assert count(shown(client)) == 11
    assert count(shown(client, producer=stall.slug)) == 6
    assert count(shown(client, min_price="8000")) == 4


def test_a_renamed_product_is_found_by_its_new_name(client, eleven):
    product = eleven[5]
    product.name = "Trà atiso Đà Lạt"
    product.save()
    response = shown(client, q="tra atiso da lat")
    assert names(response) == ["Trà atiso Đà Lạt"]
    assert count(response) == 1
    assert "Trà atiso Đà Lạt" not in names(shown(client, q="mat ong so 05"))


def test_cards_in_order_keeps_the_order_and_drops_unpublished_products(eleven):
    draft = ProductFactory(status=Product.Status.DRAFT, published_at=None)
    ids = [eleven[4].pk, draft.pk, eleven[0].pk, eleven[9].pk]
    assert [p.pk for p in queries.cards_in_order(ids)] == [eleven[4].pk, eleven[0].pk, eleven[9].pk]
    assert queries.cards_in_order([]) == []


def test_the_stored_search_document_follows_every_change_of_the_text_on_postgresql(client, eleven):
    if connection.vendor != "postgresql":
        pytest.skip("the stored search document is PostgreSQL's (migration 0006)")
    stall = eleven[0].producer.stall
    stall.name = "Hợp tác xã Đồng Tháp Mười"  # rewrites its products' search_text in bulk
    stall.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM catalog_product "
            "WHERE search_document IS DISTINCT FROM to_tsvector('vietnamese_unaccent'::regconfig, search_text)"
        )
        assert cursor.fetchone() == (0,)
    assert count(shown(client, q="dong thap muoi")) == 6


# --- a search's ranked window ------------------------------------------------------------------


def ranked_queries(captured) -> list[str]:
    """The queries that rank products: the relevance's top score is 16 points."""
    return [q["sql"] for q in captured.captured_queries if "THEN 16" in q["sql"]]


def test_a_search_is_ranked_once_then_its_first_pages_come_from_the_cache(client, eleven):
    first = [names(shown(client, q="mat ong", page=str(n))) for n in (1, 2, 3)]
    with CaptureQueriesContext(connection) as again:
        second = [names(shown(client, q="mat ong", page=str(n))) for n in (1, 2, 3)]
    assert second == first
    assert not ranked_queries(again)
    assert sorted(sum(first, [])) == sorted(p.name for p in eleven)


def test_pages_past_the_ranked_window_come_from_the_database_in_the_same_order(client, eleven, monkeypatch):
    ranked = queries.search(queries.listing_products(), "mat ong").order_by("-relevance", "-published_at", "-pk")
    expected = list(ranked.values_list("name", flat=True))
    # Six ids kept: page 2 (places 5-8) straddles the window's end, page 3 lies past it.
    monkeypatch.setattr(queries.ListingPaginator, "RESULT_WINDOW", 6)
    pages = [names(shown(client, q="mat ong", page=str(n))) for n in (1, 2, 3)]
    assert pages == [expected[0:4], expected[4:8], expected[8:11]]
    with CaptureQueriesContext(connection) as again:
        assert names(shown(client, q="mat ong", page="1")) == expected[0:4]
        assert names(shown(client, q="mat ong", page="3")) == expected[8:11]
    assert len(ranked_queries(again)) == 1  # page 3's, past the window


def test_a_cached_search_follows_a_product_unpublished_renamed_and_sold_out(client, eleven):
    from core.page_invalidation import product_stock_changed

    assert count(shown(client, q="mat ong", in_stock="true")) == 11
    hidden, renamed, sold_out = eleven[0], eleven[1], eleven[2]
    hidden.status = Product.Status.DRAFT
    hidden.save()
    renamed.name = "Trà atiso Đà Lạt"
    renamed.save()
    # As an order takes the last one: a conditional UPDATE, no signal, then the stock service's call.
    Product.objects.filter(pk=sold_out.pk).update(stock=0)
    product_stock_changed(sold_out.pk, sold_out_changed=True)
    pages = [names(shown(client, q="mat ong", in_stock="true", page=str(n))) for n in (1, 2)]
    found = sum(pages, [])
    assert sorted(found) == sorted(p.name for p in eleven[3:])
    assert names(shown(client, q="tra atiso")) == ["Trà atiso Đà Lạt"]


def test_a_repeated_search_runs_no_full_text_query_on_postgresql(client, eleven):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search and its typo matches are PostgreSQL's")
    first = names(shown(client, q="mat ong so 01"))
    with CaptureQueriesContext(connection) as again:
        assert names(shown(client, q="mat ong so 01")) == first
    # Neither whether the words find a page nor the ranking is asked again.
    assert not [q["sql"] for q in again.captured_queries if "@@" in q["sql"]]


def test_typo_matches_stop_once_the_words_find_a_page_on_postgresql(client, eleven):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search and its typo matches are PostgreSQL's")
    # One product holds every word: the others ("Mật ong số 05") are listed as typo matches.
    assert count(shown(client, q="mat ong so 01")) > 1
    for grade in "ABCD":
        ProductFactory(name=f"Mật ong số 01 loại {grade}", producer=eleven[0].producer)
    # Now the words find a page (4 here): no typo match any more, and the count says so.
    response = shown(client, q="mat ong so 01")
    assert count(response) == 5
    assert all("số 01" in name for name in names(response))
