"""One notion of "this product's feed entry changed", which every path goes through.

A feed entry shows the product's own fields, its stock, images and active OCOP
certificates, its category path, its stall's and producer's names and province, and its
price after promotions. Whatever changes one of these marks the product with
``Product.feed_changed_at``:

- ``Product.save()`` stamps it (admin, the onboarding wizard, services);
- every other write calls :func:`entries_changed` next to it: stock reserved or given back
  by orders' conditional ``UPDATE`` (which bypasses ``save()``), certificates and images
  saved or deleted, categories, stalls, producers and administrative units renamed,
  promotions published, unpublished, edited or deleted (every product they cover, before
  and after the edit) — the receivers below and in ``cms`` do it for model saves;
- what changes by the clock alone is found from the dates by :func:`changed_since_q`: a
  certificate that stopped showing at a midnight, a promotion that started, ended or
  expired (offer change sources registered with ``catalog.pricing``).

Deletion leaves a tombstone (``feeds.models.ProductTombstone``). Feeds select ``?since=``
with :func:`changed_since_q` and build their ETag from ``feed_changed_at``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone

from producers.models import Commune, Producer, Province, Stall

from .models import Category, OcopCertificate, Product, ProductImage
from .pricing import offers_changed_between

# Sent after entries_changed marked products (no arguments beyond the sender): feeds
# schedules its change push from it, once the transaction commits.
feed_entries_changed = Signal()


def _subtree(category_ids: Iterable[int]) -> set[int]:
    wanted = set(category_ids)
    if not wanted:
        return wanted
    children: dict = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, frontier = set(wanted), list(wanted)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def covered(
    *,
    product_ids: Iterable[int] = (),
    category_ids: Iterable[int] = (),
    producer_ids: Iterable[int] = (),
    province_ids: Iterable[str] = (),
) -> Q:
    """The products chosen directly, in the categories (and every subcategory), of the
    producers, or of stalls in the provinces: what an offer or a rename reaches."""
    condition = Q(pk__in=[])
    if product_ids := list(product_ids):
        condition |= Q(pk__in=product_ids)
    if category_ids := _subtree(category_ids):
        condition |= Q(category_id__in=category_ids)
    if producer_ids := list(producer_ids):
        condition |= Q(producer_id__in=producer_ids)
    if province_ids := list(province_ids):
        condition |= Q(producer__stall__province_id__in=province_ids)
    return condition


def entries_changed(*, where: Q | None = None, at: datetime.datetime | None = None, **targets) -> int:
    """Mark the feed entries of the products ``covered(**targets)`` (or ``where``) changed now.

    Returns how many products were marked. Runs in the caller's transaction.
    """

    condition = covered(**targets)
    if where is not None:
        condition |= where
    marked = Product.objects.filter(condition).update(feed_changed_at=at or timezone.now())
    if marked:
        feed_entries_changed.send(sender=Product)
    return marked


def offer_condition(offer) -> Q:
    """The products an offer applies to (its category ids are already expanded)."""
    condition = Q(pk__in=offer.product_ids) | Q(category_id__in=offer.category_ids)
    condition |= Q(producer_id__in=offer.producer_ids)
    if offer.province_ids:
        condition |= Q(producer__stall__province_id__in=offer.province_ids)
    return condition


def changed_since_q(since: datetime.datetime, now: datetime.datetime | None = None) -> Q:
    """The products whose feed entry changed in ``[since, now]``: marked, or by the clock."""

    now = now or timezone.now()
    condition = Q(feed_changed_at__gte=since)
    # A certificate shows through its expiry day and stops at the next local midnight:
    # those midnights in [since, now] are the days from `first` (the expiry day before
    # since's day, when since is that midnight itself) up to yesterday.
    try:
        local = timezone.localtime(since)
        first = local.date() - datetime.timedelta(days=1 if local.time() == datetime.time.min else 0)
    except OverflowError:  # a since at the very edge of the calendar: every expiry counts
        first = datetime.date.min
    today = timezone.localdate(now)
    if first < today:
        expired = OcopCertificate.objects.filter(
            product=OuterRef("pk"),
            status__in=[OcopCertificate.Status.ACTIVE, OcopCertificate.Status.EXPIRED],
            expires_on__gte=first,
            expires_on__lt=today,
        )
        condition |= Q(Exists(expired))
    for offer in offers_changed_between(since, now):
        condition |= offer_condition(offer)
    return condition


# --- the writes that reach a product's feed entry through another row ------------------------


def _product_part_changed(sender, instance, raw=False, **kwargs):
    """A certificate or an image saved or deleted: its product's entry changed."""
    if not raw and instance.product_id:
        entries_changed(product_ids=[instance.product_id])


def _category_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:  # a new category has no products yet
        entries_changed(category_ids=[instance.pk])


def _producer_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        entries_changed(producer_ids=[instance.pk])


def _stall_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        entries_changed(producer_ids=[instance.producer_id])


def _province_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        entries_changed(where=Q(producer__stall__province_id=instance.pk) | Q(origin_province_id=instance.pk))


def _commune_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        entries_changed(where=Q(origin_commune_id=instance.pk))


def connect() -> None:
    """Connect the receivers above (CatalogConfig.ready)."""

    for model in (OcopCertificate, ProductImage):
        post_save.connect(_product_part_changed, sender=model, dispatch_uid=f"feed_entry_saved_{model.__name__}")
        post_delete.connect(_product_part_changed, sender=model, dispatch_uid=f"feed_entry_deleted_{model.__name__}")
    for model, receiver in (
        (Category, _category_saved),
        (Producer, _producer_saved),
        (Stall, _stall_saved),
        (Province, _province_saved),
        (Commune, _commune_saved),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"feed_entry_{model.__name__}")
