"""Property-based tests (hypothesis): VND formatting, prices and promotions, folding, search."""

import itertools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.pricing import AMOUNT, PERCENT, Offer, Price, discounted, price_for
from core.money import format_vnd
from core.text import fold, vi_slugify

# Vietnamese letters in every tone, đ/Đ, digits, spaces and some punctuation.
VI_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VI_ALPHABET = VI_LETTERS + VI_LETTERS.upper() + "0123456789 -.,&'()/%_"
vi_text = st.text(alphabet=VI_ALPHABET, max_size=60)
# Vietnamese text, or anything at all (other scripts, symbols, control characters).
any_text = st.one_of(vi_text, st.text(max_size=60))

prices = st.integers(min_value=0, max_value=10**12)


# --- format_vnd ---------------------------------------------------------------------


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_vnd_round_trips_to_the_integer(amount):
    text = format_vnd(amount)
    assert text.endswith(" ₫")
    assert int(text.removesuffix(" ₫").replace(".", "")) == amount


@given(st.integers(min_value=0, max_value=10**15))
def test_format_vnd_groups_thousands_by_three(amount):
    groups = format_vnd(amount).removesuffix(" ₫").split(".")
    assert 1 <= len(groups[0]) <= 3
    assert all(len(g) == 3 for g in groups[1:])
    assert all(g.isdigit() for g in groups)
    assert groups[0] == "0" or not groups[0].startswith("0")


# --- discounted / price_for -----------------------------------------------------------


def offer(kind, value, promotion_id=1, product_id=1):
    return Offer(
        promotion_id=promotion_id, title="KM", url="/km/", kind=kind, value=value, product_ids=frozenset({product_id})
    )


offers_strategy = st.builds(
    offer,
    kind=st.sampled_from([PERCENT, AMOUNT]),
    value=st.integers(min_value=-(10**6), max_value=10**7),
)


@given(prices, offers_strategy)
def test_discounted_is_an_integer_between_zero_and_the_price(price, an_offer):
    result = discounted(price, an_offer)
    assert isinstance(result, int)
    assert 0 <= result <= price


@given(prices, st.integers(min_value=-50, max_value=200))
def test_percent_discount_rounds_half_up_like_decimal(price, percent):
    clamped = min(max(percent, 0), 100)
    expected = (Decimal(price) * (100 - clamped) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert discounted(price, offer(PERCENT, percent)) == int(expected)


@given(prices, st.integers(min_value=0, max_value=10**13))
def test_amount_discount_subtracts_and_stops_at_zero(price, amount):
    assert discounted(price, offer(AMOUNT, amount)) == max(price - amount, 0)


def product(price):
    return SimpleNamespace(pk=1, price=price, category_id=None, producer_id=None, producer=None)


def numbered(offers):
    """Distinct promotion ids, so ties between equal prices are decided deterministically."""
    return [
        Offer(promotion_id=i, title=o.title, url=o.url, kind=o.kind, value=o.value, product_ids=o.product_ids)
        for i, o in enumerate(offers, start=1)
    ]


@given(prices, st.lists(offers_strategy, max_size=5))
def test_the_best_offer_wins_and_offers_never_stack(price, offers):
    offers = numbered(offers)
    result = price_for(product(price), offers)
    best = min([price, *(discounted(price, o) for o in offers)])
    assert result.final == best
    assert isinstance(result.final, int)
    assert 0 <= result.final <= result.original == price
    if result.offer is not None:
        assert discounted(price, result.offer) == result.final < price


@given(prices, st.lists(offers_strategy, min_size=2, max_size=4), st.randoms(use_true_random=False))
def test_the_order_of_offers_does_not_matter(price, offers, random):
    offers = numbered(offers)
    shuffled = offers[:]
    random.shuffle(shuffled)
    first, second = price_for(product(price), offers), price_for(product(price), shuffled)
    assert (first.final, first.offer) == (second.final, second.offer)


@given(prices, st.lists(offers_strategy, max_size=3))
def test_an_offer_for_another_product_never_applies(price, offers):
    elsewhere = [
        Offer(promotion_id=i, title="KM", url="/", kind=o.kind, value=o.value, product_ids=frozenset({2}))
        for i, o in enumerate(offers)
    ]
    assert price_for(product(price), elsewhere) == Price(original=price, final=price)


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_percent_off_rounds_half_up(original, final):
    final = min(final, original)
    on_sale = Price(original=original, final=final, offer=offer(AMOUNT, original - final))
    expected = (Decimal(original - final) * 100 / original).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert on_sale.percent_off == (int(expected) if final < original else 0)


# --- fold / vi_slugify ----------------------------------------------------------------


@given(any_text)
def test_fold_is_idempotent_ascii_and_lower_case(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert folded == folded.lower()
    assert folded == folded.strip()
    assert "  " not in folded


@given(any_text)
def test_nfc_and_nfd_input_fold_and_slugify_alike(text):
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    assert fold(nfc) == fold(nfd)
    assert vi_slugify(nfc) == vi_slugify(nfd)


@given(any_text)
def test_vi_slugify_is_idempotent_and_url_safe(text):
    slug = vi_slugify(text)
    assert re.fullmatch(r"[a-z0-9-]*", slug), slug
    assert vi_slugify(slug) == slug
    assert len(slug) <= 80
    assert not slug.startswith("-") and not slug.endswith("-")


@given(vi_text)
def test_vietnamese_letters_fold_to_their_base_letter(text):
    folded = fold(text)
    assert not set(folded) & set("đàáảãạăâêôơư")
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 -.,&'()/%_")


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đặc sản Sóc Trăng", "dac san soc trang"), ("Nước mắm Phú Quốc", "nuoc mam phu quoc")],
)
def test_known_foldings(text, folded):
    assert fold(text) == folded
    assert vi_slugify(text) == folded.replace(" ", "-")


# --- search ---------------------------------------------------------------------------

names = st.text(alphabet=VI_ALPHABET, min_size=1, max_size=50).filter(lambda s: fold(s))


@pytest.fixture
def stall(db):
    from tests.factories.producers import StallFactory

    return StallFactory(name="Gian hàng")


@pytest.fixture
def category(db):
    from tests.factories.catalog import CategoryFactory

    return CategoryFactory(name="Nhóm")


_serial = itertools.count()


@settings(
    max_examples=settings.default.max_examples // 4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(names, min_size=1, max_size=3))
def test_the_folded_name_always_finds_the_product(stall, category, name_list):
    from catalog.models import Product
    from catalog.queries import search
    from tests.factories.catalog import ProductFactory

    made = [
        ProductFactory(
            producer=stall.producer, category=category, name=name, slug=f"sp-{next(_serial)}", short_description=""
        )
        for name in name_list
    ]
    try:
        for item in made:
            for query in (fold(item.name), item.name, item.name.upper()):
                assert item in search(Product.objects.all(), query), query
    finally:
        Product.objects.filter(pk__in=[p.pk for p in made]).delete()
