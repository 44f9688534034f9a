"""Promotions as prices: the offer source catalog.pricing asks, and promotion page reads.

A promotion is on sale while its page is live (Wagtail's go-live / expiry scheduling;
``expire_at`` is honoured to the second even before ``publish_scheduled`` runs) and
``starts_at <= now < ends_at``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Case, CharField, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Cast
from django.db.models.signals import pre_delete
from django.utils import timezone
from wagtail.images import get_image_model

from catalog import queries
from catalog.changes import covered, entries_changed
from catalog.models import Category
from catalog.pricing import AMOUNT, PERCENT, Offer
from catalog.queries import STALL_COVER_RENDITION
from core.page_tags import products_where_changed

from .cache import DEFAULT_TIMEOUT, cached, cached_until
from .models import PromotionIndexPage, PromotionPage, PromotionProduct
from .services import promotion_workflow_ensure
from .templatetags.seo_tags import OG_RENDITION

# The storefront's "cover" rendition role: the templates ask for the one prefetched here.
BANNER_RENDITION = STALL_COVER_RENDITION
PRODUCTS_PER_PAGE = 24


def _not_expired(at: datetime.datetime) -> Q:
    return Q(expire_at__isnull=True) | Q(expire_at__gt=at)


def live_promotions(at: datetime.datetime | None = None):
    """Published promotions on sale at ``at`` (now by default), the soonest to end first."""
    at = at or timezone.now()
    return (
        PromotionPage.objects.live()
        .filter(_not_expired(at), starts_at__lte=at, ends_at__gt=at)
        .order_by("ends_at", "pk")
    )


def upcoming_promotions(at: datetime.datetime | None = None):
    """Published promotions that have not started yet, the soonest to start first."""
    at = at or timezone.now()
    return PromotionPage.objects.live().filter(_not_expired(at), starts_at__gt=at).order_by("starts_at", "pk")


def with_banners(pages):
    images = get_image_model().objects.prefetch_renditions(BANNER_RENDITION)
    return pages.prefetch_related(Prefetch("banner", queryset=images))


def _category_children(needed: bool) -> dict:
    """parent id → child ids, from one query of the (small, OCOP-groups) category tree."""

    children = defaultdict(list)
    if needed:
        for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
            children[parent_id].append(pk)
    return children


def _expand(children: dict, category_ids) -> frozenset[int]:
    """The categories and every subcategory below them, at any depth."""
    found, frontier = set(category_ids), list(category_ids)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return frozenset(found)


def _offer(page, *, children, product_ids, category_ids, producer_ids, province_ids) -> Offer:
    return Offer(
        promotion_id=page.pk or 0,
        title=page.title,
        url=(page.get_url() or "") if page.pk and page.live else "",
        kind=PERCENT if page.discount_kind == PromotionPage.DiscountKind.PERCENT else AMOUNT,
        value=page.discount_value or 0,
        ends_at=page.ends_at,
        starts_at=page.starts_at,
        limit_per_order=page.limit_per_order,
        expire_at=page.expire_at,
        product_ids=frozenset(product_ids),
        category_ids=_expand(children, category_ids),
        producer_ids=frozenset(producer_ids),
        province_ids=frozenset(province_ids),
    )


TARGET_COLUMNS = (("categories", "category_id"), ("producers", "producer_id"), ("provinces", "province_id"))


def _targets(ids: list[int]) -> dict[int, dict[str, set]]:
    """Every promotion's chosen products, categories, producers and provinces: one query.

    The ids travel as text (a province's key is its GSO code, the others are integers:
    PostgreSQL refuses a UNION of both) and are turned back into their own type here.
    """

    def part(queryset, kind, page_column, column):
        return (
            queryset.order_by()
            .annotate(kind=Value(kind), target=Cast(column, CharField()))
            .values_list("kind", page_column, "target")
        )

    parts = [part(PromotionProduct.objects.filter(page_id__in=ids), "products", "page_id", "product_id")]
    for name, column in TARGET_COLUMNS:
        through = getattr(PromotionPage, name).through
        parts.append(part(through.objects.filter(promotionpage_id__in=ids), name, "promotionpage_id", column))
    targets = {pk: defaultdict(set) for pk in ids}
    for kind, page_id, target in parts[0].union(*parts[1:], all=True):
        if target is not None:
            targets[page_id][kind].add(target if kind == "provinces" else int(target))
    return targets


def _offers_and_next_change(at: datetime.datetime) -> tuple[list[Offer], datetime.datetime | None]:
    """Offers on sale at ``at``, and when that set changes next (a start, an end, an expiry)."""
    # A translation of a promotion is the same campaign in another language: prices come
    # from the pages of the default language only, never twice.
    pages = list(
        PromotionPage.objects.live()
        .filter(_not_expired(at), ends_at__gt=at, locale__language_code=settings.LANGUAGE_CODE)
        .order_by("ends_at", "pk")
    )
    on_sale = [p for p in pages if p.starts_at <= at]
    moments = [p.starts_at for p in pages if p.starts_at > at] + [p.ends_at for p in on_sale]
    moments += [p.expire_at for p in pages if p.expire_at]
    next_change = min(moments) if moments else None
    return _offers_of(on_sale), next_change


def _offers_of(pages) -> list[Offer]:
    """The offers of ``pages``, their targets read in one query (none when there is no page)."""
    if not pages:
        return []
    targets = _targets([p.pk for p in pages])
    children = _category_children(any(t["categories"] for t in targets.values()))
    return [
        _offer(
            page,
            children=children,
            product_ids=targets[page.pk]["products"],
            category_ids=targets[page.pk]["categories"],
            producer_ids=targets[page.pk]["producers"],
            province_ids=targets[page.pk]["provinces"],
        )
        for page in pages
    ]


def offers_changed(since: datetime.datetime, until: datetime.datetime) -> list[Offer]:
    """The offer change source registered with catalog.pricing: live promotions that went on
    or off sale by the clock in ``[since, until]`` (a start, an end or a scheduled expiry).

    Publishing, unpublishing, editing and deleting are not here: they mark the products
    they cover when they happen (:func:`promotion_saved`)."""
    window = Q(starts_at__range=(since, until)) | Q(ends_at__range=(since, until))
    window |= Q(expire_at__range=(since, until))
    return _offers_of(list(PromotionPage.objects.live().filter(window).order_by("pk")))


def _stored_condition(pk: int):
    found = _targets([pk])[pk]
    return covered(
        product_ids=found["products"],
        category_ids=found["categories"],
        producer_ids=found["producers"],
        province_ids=found["provinces"],
    )


def promotion_before_save(sender, instance, raw=False, **kwargs):
    """pre_save/pre_delete of PromotionPage: what the live page covered before the change."""
    if raw or not isinstance(instance, PromotionPage) or not instance.pk:
        return
    if PromotionPage.objects.filter(pk=instance.pk, live=True).exists():
        instance._feed_covered_before = _stored_condition(instance.pk)
        if kwargs.get("signal") is pre_delete:
            entries_changed(where=instance._feed_covered_before)
            products_where_changed(instance._feed_covered_before)


def promotion_saved(sender, instance, raw=False, **kwargs):
    """post_save of PromotionPage: published, unpublished or edited while live, its products'
    feed entries changed: those it covered before and those it covers now (its targets read
    through the page, which holds a revision's choices before they are committed)."""
    if raw or not isinstance(instance, PromotionPage):
        return

    before = getattr(instance, "_feed_covered_before", None)
    instance._feed_covered_before = None
    if not instance.live and before is None:
        return
    condition = before if before is not None else covered()
    if instance.live:
        condition |= covered(**page_targets(instance))
    entries_changed(where=condition)
    products_where_changed(condition)  # the prices their pages and cards show


def offers(at: datetime.datetime | None = None) -> list[Offer]:
    """The offer source registered with catalog.pricing.

    For "now" the result is cached until the next start, end or expiry of a promotion
    (at most five minutes) and dropped as soon as any page changes (cms.cache); a
    given ``at`` (tests, previews of the past) always reads the database: two queries
    when something is on sale, one otherwise.
    """
    if at is not None:
        return _offers_and_next_change(at)[0]
    return cached("offers", _current_offers)


def offers_valid_until() -> float:
    """When the offers on sale now may change next by the clock alone (``time.time()``):
    a promotion's start, end or expiry, or the cache's own refresh. The storefront's page
    cache keeps no page longer, so a price goes on and off sale on time."""
    return cached_until("offers", _current_offers)[1]


def _current_offers():
    now = timezone.now()
    found, next_change = _offers_and_next_change(now)
    timeout = DEFAULT_TIMEOUT
    if next_change is not None:
        timeout = max(0, min(timeout, int((next_change - now).total_seconds())))
    return found, timeout


def page_targets(page) -> dict[str, list[int]]:
    """The page's own targets, read through the page so that a preview's unsaved choices count."""
    return {
        "product_ids": [pp.product_id for pp in page.promoted_products.all() if pp.product_id],
        "category_ids": [c.pk for c in page.categories.all()],
        "producer_ids": [p.pk for p in page.producers.all()],
        "province_ids": [p.pk for p in page.provinces.all()],
    }


def page_offer(page, *, stored: bool = False) -> Offer:
    """The page's offer whether or not it is live (its own page, previews).

    ``stored``: read the saved targets in one query instead of through the page (which a
    preview needs, to count unsaved choices).
    """
    if stored and page.pk:
        found = _targets([page.pk])[page.pk]
        targets = {
            "product_ids": found["products"],
            "category_ids": found["categories"],
            "producer_ids": found["producers"],
            "province_ids": found["provinces"],
        }
    else:
        targets = page_targets(page)
    return _offer(page, children=_category_children(bool(targets["category_ids"])), **targets)


def banner_with_renditions(image_id):
    """A promotion's banner with its page and Open Graph renditions: two queries, not four."""

    return get_image_model().objects.prefetch_renditions(BANNER_RENDITION, OG_RENDITION).filter(pk=image_id).first()


def promotion_products(offer: Offer):
    """Published product cards the offer applies to: individually chosen ones first, then the newest."""

    condition = Q(pk__in=offer.product_ids)
    if offer.category_ids:
        condition |= Q(category_id__in=offer.category_ids)
    if offer.producer_ids:
        condition |= Q(producer_id__in=offer.producer_ids)
    if offer.province_ids:
        condition |= Q(producer__stall__province_id__in=offer.province_ids)
    chosen_first = Case(When(pk__in=offer.product_ids, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queries.product_cards().filter(condition).order_by(chosen_first, "-published_at", "-pk")


def index_workflow_saved(sender, instance, raw=False, **kwargs):
    """post_save of PromotionIndexPage: its promotions go through the moderation workflow."""
    if raw or not isinstance(instance, PromotionIndexPage):
        return

    promotion_workflow_ensure(page=instance)
