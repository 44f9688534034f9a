import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from catalog.pricing import AMOUNT, PERCENT, Offer, Price, attach_prices, discounted, live_offers, price_for
from tests.factories.catalog import CategoryFactory, ProductFactory
from tests.factories.cms import promotion, promotion_index
from tests.factories.producers import ProvinceFactory, StallFactory


def offer(kind=PERCENT, value=10, promotion_id=1, **targets):
    targets.setdefault("product_ids", frozenset({1}))
    return Offer(promotion_id=promotion_id, title=f"KM {promotion_id}", url="/", kind=kind, value=value, **targets)


def product(pk=1, price=150000, category_id=10, producer_id=20, province_id=30):
    stall = SimpleNamespace(province_id=province_id)
    return SimpleNamespace(
        pk=pk, price=price, category_id=category_id, producer_id=producer_id, producer=SimpleNamespace(stall=stall)
    )


@pytest.mark.parametrize(
    ("price", "kind", "value", "expected"),
    [
        (150000, PERCENT, 10, 135000),
        (99999, PERCENT, 15, 84999),  # 84 999,15 → 84 999
        (99990, PERCENT, 15, 84992),  # 84 991,5 → rounds half up
        (1, PERCENT, 50, 1),  # 0,5 đồng → 1
        (150000, PERCENT, 100, 0),
        (150000, AMOUNT, 20000, 130000),
        (10000, AMOUNT, 15000, 0),  # never below 0
    ],
)
def test_discounted_rounds_to_whole_dong_and_never_goes_below_zero(price, kind, value, expected):
    assert discounted(price, offer(kind, value)) == expected


def test_price_is_not_on_sale_without_an_offer():
    price = price_for(product(), [])
    assert (price.original, price.final, price.offer, price.on_sale, price.percent_off) == (
        150000,
        150000,
        None,
        False,
        0,
    )


def test_best_price_for_the_buyer_wins_and_discounts_never_stack():
    ten = offer(PERCENT, 10, promotion_id=1)  # 135 000
    amount = offer(AMOUNT, 20000, promotion_id=2)  # 130 000
    five = offer(PERCENT, 5, promotion_id=3)  # 142 500
    price = price_for(product(), [ten, amount, five])
    assert price.final == 130000  # not 150 000 - 10% - 20 000 - 5%
    assert price.offer is amount
    assert price.percent_off == 13  # 20 000 / 150 000 = 13,3 %


def test_an_offer_for_another_product_does_not_apply():
    assert price_for(product(pk=2), [offer(product_ids=frozenset({1}))]).on_sale is False


@pytest.mark.parametrize(
    "targets",
    [
        {"product_ids": frozenset({1})},
        {"category_ids": frozenset({10})},
        {"producer_ids": frozenset({20})},
        {"province_ids": frozenset({30})},
    ],
)
def test_offer_targets_product_category_producer_or_province(targets):
    targets.setdefault("product_ids", frozenset())
    assert offer(**targets).applies_to(product()) is True
    other = product(pk=2, category_id=11, producer_id=21, province_id=31)
    assert offer(**targets).applies_to(other) is False


def test_percent_off_rounds_half_up():
    assert Price(original=200, final=199, offer=offer()).percent_off == 1  # 0,5 % → 1
    assert Price(original=1000, final=850, offer=offer()).percent_off == 15


# --- with the database: the cms offer source ---------------------------------------


@pytest.mark.django_db
def test_category_promotion_covers_its_subcategories():
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    other = CategoryFactory()
    in_child = ProductFactory(category=child)
    in_parent = ProductFactory(category=parent)
    elsewhere = ProductFactory(category=other)
    promotion(categories=[parent], discount_value=20)

    priced = {p.pk: p.pricing for p in attach_prices([in_child, in_parent, elsewhere])}

    assert priced[in_child.pk].final == 120000
    assert priced[in_parent.pk].final == 120000
    assert priced[elsewhere.pk].on_sale is False


@pytest.mark.django_db
def test_producer_and_province_promotions_target_their_products():
    province = ProvinceFactory()
    stall_in_province = StallFactory(province=province)
    of_producer = ProductFactory()
    in_province = ProductFactory(producer=stall_in_province.producer)
    neither = ProductFactory()
    index = promotion_index()
    promotion(index, producers=[of_producer.producer], discount_kind="amount", discount_value=50000)
    promotion(index, provinces=[province], discount_value=10)

    priced = {p.pk: p.pricing for p in attach_prices([of_producer, in_province, neither])}

    assert priced[of_producer.pk].final == 100000
    assert priced[in_province.pk].final == 135000
    assert priced[neither.pk].on_sale is False


@pytest.mark.django_db
def test_overlapping_promotions_give_the_best_price_not_both():
    item = ProductFactory(price=200000)
    index = promotion_index()
    promotion(index, products=[item], discount_value=10, title="Mười phần trăm")  # 180 000
    best = promotion(index, categories=[item.category], discount_kind="amount", discount_value=30000)  # 170 000

    (priced,) = attach_prices([item])

    assert priced.pricing.final == 170000
    assert priced.pricing.offer.promotion_id == best.pk
    assert priced.pricing.offer.url == best.url


@pytest.mark.django_db
def test_only_live_promotions_within_their_dates_are_offers():
    item = ProductFactory()
    index = promotion_index()
    on_sale = promotion(index, products=[item])
    promotion(index, products=[item], starts_in=datetime.timedelta(days=2))  # future
    promotion(index, products=[item], starts_in=-datetime.timedelta(days=9), ends_in=-datetime.timedelta(days=1))
    promotion(index, products=[item], live=False)  # a draft
    promotion(index, products=[item], expire_at=timezone.now() - datetime.timedelta(minutes=1))  # past expiry

    assert [o.promotion_id for o in live_offers()] == [on_sale.pk]


@pytest.mark.django_db
def test_offers_are_loaded_in_a_fixed_number_of_queries(django_assert_num_queries):
    from cms.cache import bump

    index = promotion_index()
    parent = CategoryFactory()
    promotion(index, products=ProductFactory.create_batch(3), categories=[parent], producers=[StallFactory().producer])
    promotion(index, provinces=[ProvinceFactory()])
    products = ProductFactory.create_batch(5)
    attach_prices(products[:1])  # Wagtail caches the sites' root paths for page URLs
    bump()  # forget the cached offers
    # pages, every kind of target in one query, the category tree
    with django_assert_num_queries(3):
        attach_prices(products)
    # then the offers come from the cache until something changes
    with django_assert_num_queries(0):
        attach_prices(products)


@pytest.mark.django_db
def test_a_change_to_a_promotion_reaches_the_cached_prices_at_once():
    index = promotion_index()
    product = ProductFactory(price=100_000)
    live = promotion(index, products=[product], discount_value=10)
    assert attach_prices([product])[0].pricing.final == 90_000
    live.discount_value = 20
    live.save_revision().publish()
    assert attach_prices([product])[0].pricing.final == 80_000
    live.unpublish()
    assert attach_prices([product])[0].pricing.final == 100_000
