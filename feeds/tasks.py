"""Celery tasks of the feeds: thin wrappers over the push client.

- ``push_partner_feed(partner_id, fmt)``: one push, logged as a FeedRun ("push now" in the admin).
- ``push_all_partners()``: the daily beat job, every active partner that takes pushes.
- ``push_changes()``: the incremental push after catalog changes, for partners with
  ``push_on_change``: what changed since each partner's last successful push.

A saved or deleted product schedules ``push_changes`` once the transaction commits,
debounced: the first change opens a window of ``FEEDS_PUSH_DEBOUNCE`` seconds and the
push runs at its end, carrying every change made meanwhile (it asks for changes since
the last successful push when it runs, so nothing is lost between windows).

Every push goes through ``core.tasks.enqueue``: Celery with Redis, otherwise the
bounded in-process worker, never the request that made the change. Any change of a feed
entry (``catalog.changes.feed_entries_changed``: saves, stock sold or given back,
certificates, renames, promotions) schedules the change push. The daily push runs from
Celery beat with Redis, from cron (``manage.py run_task feeds.tasks.push_all_partners``)
without it.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.dateparse import parse_datetime

from catalog.changes import feed_entries_changed
from core.tasks import enqueue
from feeds.models import FeedRun, Partner
from feeds.push import push_feed
from feeds.services import runs_fail_abandoned

DEBOUNCE_KEY = "feeds:push-changes-scheduled"


def _pushing_partners(**flags):
    return Partner.objects.filter(active=True, **flags).exclude(push_url="").order_by("pk")


@shared_task(ignore_result=True)
def push_partner_feed(partner_id: int, fmt: str, since: str | None = None) -> int | None:
    """Push one partner's feed in one format; returns the FeedRun's id (None when nothing to push to)."""

    runs_fail_abandoned()
    partner = Partner.objects.filter(pk=partner_id, active=True).first()
    if partner is None or not partner.push_url:
        return None
    since_at = parse_datetime(since) if isinstance(since, str) else since
    return push_feed(partner=partner, fmt=fmt, since=since_at).pk


@shared_task(ignore_result=True)
def push_all_partners() -> int:
    """The daily push: every format of every active partner with ``push_daily``; returns the pushes queued."""
    queued = 0
    for partner in _pushing_partners(push_daily=True):
        for fmt in partner.formats:
            enqueue(push_partner_feed, partner.pk, fmt)
            queued += 1
    return queued


def last_successful_push(partner, fmt: str) -> datetime.datetime | None:
    return (
        FeedRun.objects.filter(
            partner=partner, format=fmt, trigger=FeedRun.Trigger.PUSH, status=FeedRun.Status.SUCCEEDED
        )
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )


@shared_task(ignore_result=True)
def push_changes() -> int:
    """The incremental push to partners with ``push_on_change``; returns the pushes queued.

    A partner never pushed to successfully gets the whole feed.
    """
    queued = 0
    for partner in _pushing_partners(push_on_change=True):
        for fmt in partner.formats:
            since = last_successful_push(partner, fmt)
            enqueue(push_partner_feed, partner.pk, fmt, since.isoformat() if since else None)
            queued += 1
    return queued


def schedule_change_push() -> bool:
    """Queue ``push_changes`` at the end of the debounce window, unless one is queued already."""
    debounce = settings.FEEDS_PUSH_DEBOUNCE
    if not cache.add(DEBOUNCE_KEY, True, timeout=debounce):
        return False
    if not _pushing_partners(push_on_change=True).exists():
        return False  # the key stays: no query per save for the rest of the window
    enqueue(push_changes, countdown=debounce)
    return True


@receiver(post_save, sender="catalog.Product", dispatch_uid="feeds_product_saved")
@receiver(post_delete, sender="catalog.Product", dispatch_uid="feeds_product_deleted")
@receiver(feed_entries_changed, dispatch_uid="feeds_entries_changed")
def _product_changed(sender, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(schedule_change_push)
