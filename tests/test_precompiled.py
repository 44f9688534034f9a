"""Precompiled querysets give exactly what the same queryset gives when compiled normally."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import queries
from catalog.models import Product
from core.precompiled import Precompiled
from tests.factories.catalog import ImageFactory, OcopCertificateFactory, ProductFactory, ProductImageFactory
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db


def _row(product):
    stall = product.producer.stall
    return (product.pk, product.slug, product.name, product.price, stall.name, stall.province.name, product.category_id)


@pytest.fixture
def products():
    stall_a, stall_b = StallFactory(), StallFactory()
    made = [ProductFactory(producer=stall_a.producer) for _ in range(3)] + [ProductFactory(producer=stall_b.producer)]
    image = ImageFactory()
    for product in made:
        ProductImageFactory(product=product, image=image)
    OcopCertificateFactory(product=made[0], stars=4)
    return made


def test_product_page_query_is_compiled_once_and_finds_each_product(products):
    assert queries._detail.is_precompiled()
    for product in products:
        found = queries.product_detail(product.slug)
        expected = (
            Product.objects.select_related("producer__stall__province").get(pk=product.pk)  # compiled normally
        )
        assert _row(found) == _row(expected)
    with pytest.raises(Product.DoesNotExist):
        queries.product_detail("no-such-product")


def test_bound_queries_run_the_same_sql_with_other_values(products):
    first, second = products[0], products[3]
    with CaptureQueriesContext(connection) as one:
        list(queries._detail(slug=first.slug))
    with CaptureQueriesContext(connection) as two:
        list(queries._detail(slug=second.slug))
    assert len(one.captured_queries) == len(two.captured_queries) == 1
    assert one.captured_queries[0]["sql"] != two.captured_queries[0]["sql"]  # the slugs differ
    assert first.slug in one.captured_queries[0]["sql"] and second.slug in two.captured_queries[0]["sql"]


def test_related_products_match_the_normal_queryset_and_stars(products):
    today = timezone.localdate()
    assert queries._related.is_precompiled(key=today)
    product = products[1]
    related = list(queries.related_products(product))
    expected = list(
        queries.product_cards().filter(producer_id=product.producer_id).exclude(pk=product.pk)[: queries.RELATED_LIMIT]
    )
    assert [p.pk for p in related] == [p.pk for p in expected]
    assert sorted(p.pk for p in related) == sorted(p.pk for p in products[:3] if p.pk != product.pk)
    assert [(p.stars, p.cover_rendition) for p in related] == [(p.stars, p.cover_rendition) for p in expected]
    assert {p.pk: p.stars for p in related}[products[0].pk] == 4


def test_a_page_of_cards_comes_in_the_listings_order_from_one_compiled_query(products):
    today = timezone.localdate()
    assert queries._cards_by_id.is_precompiled(key=today)
    products[2].status = Product.Status.DRAFT
    products[2].save()
    wanted = [products[3].pk, products[2].pk, products[0].pk]
    with CaptureQueriesContext(connection) as ran:
        cards = queries.cards_in_order(wanted)
    assert len(ran.captured_queries) == 1
    assert [p.pk for p in cards] == [products[3].pk, products[0].pk]  # the unpublished one drops out
    expected = {p.pk: p for p in queries.product_cards().filter(pk__in=wanted)}
    assert [(p.stars, p.cover_rendition, _row(p)) for p in cards] == [
        (expected[p.pk].stars, expected[p.pk].cover_rendition, _row(expected[p.pk])) for p in cards
    ]
    assert cards[1].stars == 4


def test_more_cards_than_a_page_are_found_too(products):
    many = [products[1].pk, products[0].pk] + [10**9 + i for i in range(queries.CARDS_AT_ONCE)]
    assert [p.pk for p in queries.cards_in_order(many)] == [products[1].pk, products[0].pk]


def test_a_product_whose_certificate_lapsed_shows_no_stars(products, time_machine):
    product = products[0]
    assert queries.product_detail(product.slug).stars == 4
    time_machine.move_to(timezone.now() + timezone.timedelta(days=5 * 366))
    assert queries.product_detail(product.slug).stars is None
    assert queries.product_detail(product.slug).certificate is None


def test_chaining_onto_a_bound_queryset_compiles_normally(products):
    bound = queries._detail(slug=products[0].slug)
    assert list(bound.filter(pk=products[1].pk)) == []
    assert [p.pk for p in bound.filter(pk=products[0].pk)] == [products[0].pk]
    assert bound.count() == 1


def test_a_placeholder_that_does_not_reach_the_sql_alone_falls_back_to_normal_compiling(products):
    contains = Precompiled(lambda word: Product.objects.filter(name__icontains=word).order_by("pk"), word=str)
    assert not contains.is_precompiled()
    word = products[2].name.split()[-1]
    assert [p.pk for p in contains(word=word)] == [
        p.pk for p in Product.objects.filter(name__icontains=word).order_by("pk")
    ]


def test_values_must_match_the_placeholders():
    by_pk = Precompiled(lambda pk: Product.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError):
        by_pk(slug="x")
    with pytest.raises(TypeError):
        Precompiled(lambda when: Product.objects.filter(published_at=when), when=object)
