"""Feed rows for a partner: what it may list, read in chunks so memory stays flat.

Rows are plain values (no model instances): a feed of 100,000 products builds 100,000
small objects, not 700,000 ORM instances with every column. Each chunk costs the same
four queries (products, their images, their certificates, their current batches), whatever the catalog's size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from catalog.changes import changed_since_q
from catalog.models import Category, OcopCertificate, Product, ProductImage, active_certificates
from catalog.pricing import offers_changed_between

from .models import Partner, ProducerOptIn, ProductTombstone
from .trace import attach_trace_urls, last_trace_change

DEFAULT_CHUNK_SIZE = 1000

PRODUCT_FIELDS = (
    "pk",
    "slug",
    "name",
    "short_description",
    "description",
    "unit",
    "price",
    "stock",
    "weight_grams",
    "feed_changed_at",
    "category_id",
    "producer_id",
    "producer__legal_name",
    "producer__kind",
    "producer__stall__name",
    "producer__stall__slug",
    "producer__stall__province_id",
    "producer__stall__province__name",
    "origin_province__name",
    "origin_commune__name",
    "rating_average",
    "rating_count",
    "sold_count",
)


@dataclass(frozen=True, slots=True)
class _Stall:
    province_id: str | None


@dataclass(frozen=True, slots=True)
class _Producer:
    stall: _Stall


@dataclass(slots=True)
class FeedRow:
    """A product as a feed sees it. Quacks like a Product for ``catalog.pricing.price_for``."""

    pk: int
    slug: str
    name: str
    short_description: str
    description: str
    unit: str
    price: int
    stock: int
    weight_grams: int | None
    updated_at: datetime.datetime
    category_id: int
    producer_id: int
    producer_name: str
    producer_kind: str
    stall_name: str
    stall_slug: str
    province_id: str | None
    province_name: str
    origin_province: str
    origin_commune: str
    producer: _Producer
    images: list[str] = field(default_factory=list)  # storage names, cover first
    certificates: list[dict] = field(default_factory=list)  # active ones, best first
    trace_url: str = ""  # the current production batch's trace page (feeds/trace.py)
    rating_average: object = None  # Decimal, or None without a published review
    rating_count: int = 0
    sold_count: int = 0

    @property
    def stars(self) -> int | None:
        return self.certificates[0]["stars"] if self.certificates else None


@dataclass(frozen=True, slots=True)
class Deletion:
    pk: int
    slug: str
    at: datetime.datetime


def category_tree() -> dict[int, Category]:
    """Every category by id (the OCOP groups: a few dozen rows), one query."""
    return {c.pk: c for c in Category.objects.all()}


def expand_categories(tree: dict[int, Category], ids) -> set[int]:
    """The categories and every subcategory below them, at any depth."""
    children = defaultdict(list)
    for cat in tree.values():
        children[cat.parent_id].append(cat.pk)
    found, frontier = set(ids), list(ids)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def _opted_in(partner: Partner) -> Q:
    return Q(Exists(ProducerOptIn.objects.filter(partner=partner, producer=OuterRef("producer_id"))))


def eligible_products(partner: Partner, *, tree: dict[int, Category] | None = None, today=None):
    """Published products the partner may list: opted-in producers, its categories, provinces and stars."""
    qs = Product.objects.published().filter(_opted_in(partner))
    category_ids = list(partner.categories.values_list("pk", flat=True))
    if category_ids:
        qs = qs.filter(category_id__in=expand_categories(tree if tree is not None else category_tree(), category_ids))
    province_ids = list(partner.provinces.values_list("pk", flat=True))
    if province_ids:
        qs = qs.filter(producer__stall__province_id__in=province_ids)
    if partner.min_stars:
        qs = qs.min_stars(partner.min_stars, today)
    return qs


def changed_since(qs, since: datetime.datetime, now: datetime.datetime | None = None):
    """Of ``qs``, the products whose feed entry changed in ``[since, now]`` (catalog.changes)."""
    return qs.filter(changed_since_q(since, now))


def deleted_since(
    partner: Partner, since: datetime.datetime, eligible, now: datetime.datetime | None = None
) -> Iterator[Deletion]:
    """Products the partner should remove: changed since ``since`` and no longer eligible, then tombstones.

    Only products of producers who opted in to this partner: a partner learns nothing of others.
    """
    gone = (
        Product.objects.filter(_opted_in(partner))
        .filter(changed_since_q(since, now))
        .exclude(pk__in=eligible.values("pk"))
    )
    for pk, slug, at in _keyset(gone.values_list("pk", "slug", "feed_changed_at"), "pk"):
        yield Deletion(pk, slug, at)
    for _pk, product_id, slug, at in _keyset(
        _tombstones(partner).filter(deleted_at__gte=since).values_list("pk", "product_id", "slug", "deleted_at"), "pk"
    ):
        yield Deletion(product_id, slug, at)


def _tombstones(partner: Partner):
    producers = ProducerOptIn.objects.filter(partner=partner).values("producer_id")
    return ProductTombstone.objects.filter(Q(producer_id__in=producers) | Q(producer_id__isnull=True))


def _keyset(values_qs, key: str, chunk_size: int = DEFAULT_CHUNK_SIZE):
    """Iterate a values_list queryset by primary key pages (first column is the key)."""
    last = None
    while True:
        page = values_qs.order_by(key)
        if last is not None:
            page = page.filter(**{f"{key}__gt": last})
        rows = list(page[:chunk_size])
        yield from rows
        if len(rows) < chunk_size:
            return
        last = rows[-1][0]


def feed_rows(qs, *, chunk_size: int = DEFAULT_CHUNK_SIZE, today=None) -> Iterator[list[FeedRow]]:
    """Chunks of :class:`FeedRow` for the products of ``qs``, in id order: four queries a chunk."""
    today = today or timezone.localdate()
    producers: dict = {}
    last = None
    while True:
        page = qs.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        values = list(page.values_list(*PRODUCT_FIELDS)[:chunk_size])
        if not values:
            return
        rows = [_row(v, producers) for v in values]
        by_id = {row.pk: row for row in rows}
        of_chunk = _chunk_products(list(by_id))
        images = (
            ProductImage.objects.filter(of_chunk)
            .order_by("product_id", "sort_order", "pk")
            .values_list("product_id", "image__file")
        )
        for product_id, name in images:
            if product_id in by_id:
                by_id[product_id].images.append(name)
        certs = (
            OcopCertificate.objects.filter(active_certificates(today), of_chunk)
            .order_by("product_id", "-stars", "-decision_date", "pk")
            .values("product_id", "stars", "decision_number", "decision_date", "expires_on", "level", "issuing_body")
        )
        for cert in certs:
            row = by_id.get(cert.pop("product_id"))
            if row is not None:
                row.certificates.append(cert)
        attach_trace_urls(by_id, of_chunk)
        yield rows
        if len(values) < chunk_size:
            return
        last = rows[-1].pk


def _chunk_products(ids: list[int]) -> Q:
    """The chunk's products (``ids``, ascending) as a condition on ``product_id`` for their
    images, certificates and batches: the range of their ids when the chunk holds most ids
    of it (a partner most producers opted in to), read from the index in 2 ms where a list of
    a thousand ids took 6-8 ms a query at a million products (the rows of products in the
    range but not in the chunk are skipped); the list of ids otherwise."""
    first, last = ids[0], ids[-1]
    if last - first < 2 * len(ids):
        return Q(product_id__gte=first, product_id__lte=last)
    return Q(product_id__in=ids)


def _row(v, producers: dict) -> FeedRow:
    province_id = v[16]
    producer = producers.get(province_id)
    if producer is None:
        producer = producers[province_id] = _Producer(_Stall(province_id))
    return FeedRow(
        pk=v[0],
        slug=v[1],
        name=v[2],
        short_description=v[3] or "",
        description=v[4] or "",
        unit=v[5] or "",
        price=v[6],
        stock=v[7],
        weight_grams=v[8],
        updated_at=v[9],
        category_id=v[10],
        producer_id=v[11],
        producer_name=v[12] or "",
        producer_kind=v[13] or "",
        stall_name=v[14] or "",
        stall_slug=v[15] or "",
        province_id=province_id,
        province_name=v[17] or "",
        origin_province=v[18] or "",
        origin_commune=v[19] or "",
        producer=producer,
        rating_average=v[20],
        rating_count=v[21] or 0,
        sold_count=v[22] or 0,
    )


def fingerprint(partner: Partner, *, since=None, today=None) -> dict:
    """What the feed's content depends on, in a few aggregate queries: for the ETag.

    Every change of an entry stamps its product's ``feed_changed_at`` (catalog.changes), so
    the newest stamp, the count and the ids of the eligible products change whenever an
    entry changes, appears or leaves; a certificate passing its expiry changes the last
    expiry passed. Promotions starting or ending are in the live offers (the view adds them).
    """
    today = today or timezone.localdate()
    eligible = eligible_products(partner, today=today)
    agg = eligible.aggregate(count=Count("pk"), ids=Sum("pk"), changed=Max("feed_changed_at"))
    tombs = _tombstones(partner).aggregate(count=Count("pk"), last=Max("deleted_at"))
    mappings = list(partner.category_mappings.order_by("pk").values_list("category_id", "external_category"))
    return {
        "partner": partner.pk,
        "partner_updated": partner.updated_at,
        "since": since,
        "mappings": mappings,
        "expired": last_expiry_passed(partner, today),
        **{f"p_{k}": v for k, v in agg.items()},
        "tomb_count": tombs["count"],
        "tomb_last": tombs["last"],
        "trace_last": last_trace_change(),
    }


def last_expiry_passed(partner: Partner, today) -> datetime.date | None:
    """The latest expiry day before ``today`` among the certificates of the partner's producers."""
    return OcopCertificate.objects.filter(
        product__producer__feed_opt_ins__partner=partner,
        status__in=[OcopCertificate.Status.ACTIVE, OcopCertificate.Status.EXPIRED],
        expires_on__lt=today,
    ).aggregate(last=Max("expires_on"))["last"]


def last_change(partner: Partner, state: dict, now: datetime.datetime) -> datetime.datetime:
    """When the partner's feed content last changed (for Last-Modified): the newest stamp of
    any of its producers' products (one that left the feed included), a deletion, the
    partner's own settings, a certificate's expiry midnight, or a promotion's start or end."""

    stamped = Product.objects.filter(_opted_in(partner)).aggregate(last=Max("feed_changed_at"))["last"]
    moments = [partner.updated_at, stamped, state["tomb_last"]]
    if state["expired"] is not None:
        midnight = datetime.datetime.combine(state["expired"] + datetime.timedelta(days=1), datetime.time.min)
        moments.append(timezone.make_aware(midnight))
    latest = max(m for m in moments if m is not None)
    for offer in offers_changed_between(latest, now):
        moments += [m for m in (offer.starts_at, offer.ends_at, offer.expire_at) if m and latest <= m <= now]
    return max(m for m in moments if m is not None)
