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

from catalog.models import Category, OcopCertificate, Product, ProductImage, active_certificates

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
    "updated_at",
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


def changed_since(qs, since: datetime.datetime, offers=()):
    """Of ``qs``, what changed since ``since``: the product, its stall, or a promotion that started."""
    changed = Q(updated_at__gte=since) | Q(producer__stall__updated_at__gte=since)
    for offer in offers:
        if offer.starts_at is None or offer.starts_at < since:
            continue
        changed |= Q(pk__in=offer.product_ids) | Q(category_id__in=offer.category_ids)
        changed |= Q(producer_id__in=offer.producer_ids) | Q(producer__stall__province_id__in=offer.province_ids)
    return qs.filter(changed)


def deleted_since(partner: Partner, since: datetime.datetime, eligible) -> Iterator[Deletion]:
    """Products the partner should remove: changed since ``since`` and no longer eligible, then tombstones.

    Only products of producers who opted in to this partner: a partner learns nothing of others.
    """
    gone = (
        Product.objects.filter(_opted_in(partner))
        .filter(Q(updated_at__gte=since) | Q(producer__stall__updated_at__gte=since))
        .exclude(pk__in=eligible.values("pk"))
    )
    for pk, slug, at in _keyset(gone.values_list("pk", "slug", "updated_at"), "pk"):
        yield Deletion(pk, slug, at)
    producers = ProducerOptIn.objects.filter(partner=partner).values("producer_id")
    tombstones = ProductTombstone.objects.filter(deleted_at__gte=since).filter(
        Q(producer_id__in=producers) | Q(producer_id__isnull=True)
    )
    for _pk, product_id, slug, at in _keyset(tombstones.values_list("pk", "product_id", "slug", "deleted_at"), "pk"):
        yield Deletion(product_id, slug, at)


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
        images = (
            ProductImage.objects.filter(product_id__in=by_id)
            .order_by("product_id", "sort_order", "pk")
            .values_list("product_id", "image__file")
        )
        for product_id, name in images:
            by_id[product_id].images.append(name)
        certs = (
            OcopCertificate.objects.filter(active_certificates(today), product_id__in=by_id)
            .order_by("product_id", "-stars", "-decision_date", "pk")
            .values("product_id", "stars", "decision_number", "decision_date", "expires_on", "level", "issuing_body")
        )
        for cert in certs:
            by_id[cert.pop("product_id")].certificates.append(cert)
        attach_trace_urls(by_id)
        yield rows
        if len(values) < chunk_size:
            return
        last = rows[-1].pk


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
    )


def fingerprint(partner: Partner, *, since=None, today=None) -> dict:
    """What the feed depends on, in a few aggregate queries: for ETag and Last-Modified."""
    today = today or timezone.localdate()
    eligible = eligible_products(partner, today=today)
    agg = eligible.aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        updated=Max("updated_at"),
        stall_updated=Max("producer__stall__updated_at"),
        producer_updated=Max("producer__updated_at"),
    )
    tombs = ProductTombstone.objects.aggregate(count=Count("pk"), last=Max("deleted_at"))
    mappings = list(partner.category_mappings.order_by("pk").values_list("category_id", "external_category"))
    return {
        "partner": partner.pk,
        "partner_updated": partner.updated_at,
        "today": today,
        "since": since,
        "mappings": mappings,
        **{f"p_{k}": v for k, v in agg.items()},
        "tomb_count": tombs["count"],
        "tomb_last": tombs["last"],
        "trace_last": last_trace_change(),
    }
