"""The one price function: a product's price for the buyer, promotions included.

Promotions live in ``cms`` (Wagtail pages), but data flows cms → catalog, so catalog
never imports cms: ``cms`` registers an *offer source* (a callable returning
:class:`Offer` objects) at start-up, and everything that shows or charges a price asks
this module.

Rules (the CMS issue): overlapping promotions are never stacked, the lowest price for the
buyer wins; a price never goes below 0 and is a whole number of đồng.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PERCENT = "percent"
AMOUNT = "amount"


@dataclass(frozen=True)
class Offer:
    """A live promotion, reduced to what pricing needs (no database access)."""

    promotion_id: int
    title: str
    url: str
    kind: str  # PERCENT or AMOUNT
    value: int
    ends_at: datetime.datetime | None = None
    starts_at: datetime.datetime | None = None
    limit_per_order: int | None = None
    # Wagtail's scheduled unpublication of the page: the offer is off sale from then on.
    expire_at: datetime.datetime | None = None
    product_ids: frozenset[int] = field(default_factory=frozenset)
    # Already expanded to every subcategory of the chosen categories.
    category_ids: frozenset[int] = field(default_factory=frozenset)
    producer_ids: frozenset[int] = field(default_factory=frozenset)
    province_ids: frozenset[int] = field(default_factory=frozenset)

    def applies_to(self, product) -> bool:
        """Whether the product is targeted, individually or by category, producer or the stall's province.

        Reads ``product.producer.stall.province_id`` only when the offer targets provinces;
        the storefront's querysets select the stall with the product.
        """
        if product.pk in self.product_ids:
            return True
        if product.category_id in self.category_ids:
            return True
        if product.producer_id in self.producer_ids:
            return True
        if self.province_ids:
            stall = getattr(product.producer, "stall", None)
            return stall is not None and stall.province_id in self.province_ids
        return False


@dataclass(frozen=True)
class Price:
    original: int
    final: int
    offer: Offer | None = None

    @property
    def on_sale(self) -> bool:
        return self.offer is not None and self.final < self.original

    @property
    def saving(self) -> int:
        return self.original - self.final

    @property
    def percent_off(self) -> int:
        """Whole percent saved, rounded half up (``0`` when not on sale)."""
        if not self.on_sale or self.original <= 0:
            return 0
        return (200 * self.saving + self.original) // (2 * self.original)


def discounted(price: int, offer: Offer) -> int:
    """``price`` after ``offer``: whole đồng, percentages rounded half up, never below 0."""
    price = int(price)
    value = int(offer.value)
    if offer.kind == PERCENT:
        value = min(max(value, 0), 100)
        result = (price * (100 - value) + 50) // 100
    elif offer.kind == AMOUNT:
        result = price - max(value, 0)
    else:
        raise ValueError(f"Unknown discount kind: {offer.kind!r}")
    return max(result, 0)


OfferSource = Callable[[datetime.datetime | None], Iterable[Offer]]
_sources: list[OfferSource] = []


def register_offer_source(source: OfferSource) -> None:
    """Add a callable ``source(at) -> Iterable[Offer]``; registering it twice is harmless."""
    if source not in _sources:
        _sources.append(source)


def live_offers(at: datetime.datetime | None = None) -> list[Offer]:
    """Every offer on sale at ``at`` (now when None), from every registered source.

    A source may cache "now" as long as it drops the cache when its data changes (the
    CMS does: see cms/cache.py); a given ``at`` is always answered from the database.
    """
    return [offer for source in _sources for offer in source(at)]


OfferChangeSource = Callable[[datetime.datetime, datetime.datetime], Iterable[Offer]]
_change_sources: list[OfferChangeSource] = []


def register_offer_change_source(source: OfferChangeSource) -> None:
    """Add a callable ``source(since, until) -> Iterable[Offer]``: the offers that went on or
    off sale by the clock (a start, an end, an expiry) between the two moments."""
    if source not in _change_sources:
        _change_sources.append(source)


def offers_changed_between(since: datetime.datetime, until: datetime.datetime) -> list[Offer]:
    """Every offer whose start, end or expiry falls in ``[since, until]``, from every source."""
    return [offer for source in _change_sources for offer in source(since, until)]


def price_for(product, offers: Iterable[Offer]) -> Price:
    """The best price for the buyer among ``offers`` that apply to ``product`` (never stacked)."""
    original = int(product.price)
    best = Price(original=original, final=original)
    best_key = None
    for offer in offers:
        if not offer.applies_to(product):
            continue
        final = discounted(original, offer)
        if final >= original:
            continue  # an offer that saves nothing is no sale
        # Ties go to the campaign ending first, then the older one: stable across requests.
        key = (final, offer.ends_at or datetime.datetime.max.replace(tzinfo=datetime.UTC), offer.promotion_id)
        if best_key is None or key < best_key:
            best, best_key = Price(original=original, final=final, offer=offer), key
    return best


def attach_prices(products: Iterable, at: datetime.datetime | None = None, offers: list[Offer] | None = None) -> list:
    """Set ``product.pricing`` (a :class:`Price`) on each product and return them as a list.

    Offers are loaded once, whatever the number of products: a fixed number of queries.
    """
    products = list(products)
    if offers is None:
        offers = live_offers(at) if products else []
    for product in products:
        product.pricing = price_for(product, offers)
    return products
