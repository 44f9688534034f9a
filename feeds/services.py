"""Writes of the feeds app: partners and their tokens, and feed generation with its run log."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from catalog.pricing import live_offers, price_for
from core.read_ahead import read_ahead
from core.text import strip_forbidden as safe_text_chars

from . import queries
from .formats import FeedContext, description_of, exclusion_reason, get_format
from .models import FeedRun, FeedRunExclusion, Format, Partner, hash_token

CONTENT_TYPES = {fmt: get_format(fmt).CONTENT_TYPE for fmt in Format.values}
FILE_NAMES = {fmt: get_format(fmt).FILE_NAME for fmt in Format.values}
# Bytes buffered before a chunk is handed on: large enough for gzip to work well,
# small enough that memory stays flat.
FLUSH_BYTES = 256 * 1024
ERROR_MAX = 2000


def new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def partner_create(*, name: str, slug: str, formats: Iterable[str] = ("google",), **fields) -> tuple[Partner, str]:
    """Create a partner; returns it and its access token, which is shown this once."""
    formats = set(formats)
    unknown = formats - set(Format.values)
    if unknown:
        raise ValueError(f"Unknown feed formats: {sorted(unknown)}")
    token = new_token()
    partner = Partner(
        name=name,
        slug=slug,
        token_hash=hash_token(token),
        token_rotated_at=timezone.now(),
        **{f"format_{fmt}": fmt in formats for fmt in Format.values},
        **fields,
    )
    partner.full_clean()
    partner.save()
    return partner, token


@transaction.atomic
def partner_rotate_token(*, partner: Partner) -> str:
    """Replace the partner's token (the old one stops working at once); returns the new one."""
    token = new_token()
    partner.token_hash = hash_token(token)
    partner.token_rotated_at = timezone.now()
    partner.save(update_fields=["token_hash", "token_rotated_at", "updated_at"])
    return token


def run_start(*, partner: Partner, fmt: str, trigger: str, since: datetime.datetime | None = None) -> FeedRun:
    run = FeedRun(partner=partner, format=fmt, trigger=trigger, since=since)
    run.idempotency_key = str(run.uuid)
    run.save()
    return run


# A run still "running" after this long was left by a process that died (a killed worker).
ABANDONED_AFTER = datetime.timedelta(hours=1)


def runs_fail_abandoned(*, older_than: datetime.timedelta = ABANDONED_AFTER) -> int:
    """Fail the runs left running by a process that died; returns how many."""
    return FeedRun.objects.filter(status=FeedRun.Status.RUNNING, started_at__lt=timezone.now() - older_than).update(
        status=FeedRun.Status.FAILED,
        finished_at=timezone.now(),
        error="Interrupted: the process running it stopped before the end.",
    )


def feed_generate(
    *,
    partner: Partner,
    fmt: str,
    since: datetime.datetime | None = None,
    run: FeedRun,
    chunk_size: int = queries.DEFAULT_CHUNK_SIZE,
) -> Iterator[bytes]:
    """The partner's feed in ``fmt`` as chunks of UTF-8 bytes, generated lazily.

    Reads products in chunks of ``chunk_size`` (four queries each), the next chunk while
    this one is written where the database allows it (:func:`core.read_ahead.read_ahead`),
    and loads promotions once. When the feed is complete the run gets its counts and the
    excluded products with their reasons; a pull or command run is then finished as
    succeeded, while a push run stays running for the push client to finish. On an error
    the run is failed.
    """
    writer = get_format(fmt)
    now = timezone.now()
    today = timezone.localdate(now)
    tree = queries.category_tree()
    ctx = FeedContext(
        partner=partner,
        fmt=fmt,
        since=since,
        generated_at=now,
        categories=tree,
        mappings=dict(partner.category_mappings.values_list("category_id", "external_category")),
    )
    offers = live_offers(now)
    counts = {"items": 0, "deleted": 0, "excluded": 0, "bytes": 0}
    exclusions: list[FeedRunExclusion] = []

    def flush_exclusions():
        if exclusions:
            FeedRunExclusion.objects.bulk_create(exclusions, batch_size=1000)
            exclusions.clear()

    def encoded(parts: list[str]) -> bytes:
        data = xml_safe_bytes("".join(parts))
        parts.clear()
        counts["bytes"] += len(data)
        return data

    try:
        eligible = queries.eligible_products(partner, tree=tree, today=today)
        selected = queries.changed_since(eligible, since, now) if since else eligible
        parts = [writer.header(ctx)]
        size = 0
        for rows in read_ahead(queries.feed_rows(selected, chunk_size=chunk_size, today=today)):
            for row in rows:
                description = description_of(row)
                reason = exclusion_reason(row, description)
                if reason:
                    counts["excluded"] += 1
                    exclusions.append(
                        FeedRunExclusion(run=run, product_id=row.pk, product_name=row.name[:200], reason=reason)
                    )
                    if since:
                        # It may have been listed before (its last image just removed, say).
                        text = writer.deletion(queries.Deletion(row.pk, row.slug, row.updated_at), ctx)
                        parts.append(text)
                        size += len(text)
                        counts["deleted"] += 1
                    continue
                text = writer.item(row, price_for(row, offers), ctx, description)
                parts.append(text)
                size += len(text)
                counts["items"] += 1
            flush_exclusions()
            if size >= FLUSH_BYTES:
                size = 0
                yield encoded(parts)
        if since:
            for gone in queries.deleted_since(partner, since, eligible, now):
                text = writer.deletion(gone, ctx)
                parts.append(text)
                size += len(text)
                counts["deleted"] += 1
                if size >= FLUSH_BYTES:
                    size = 0
                    yield encoded(parts)
        parts.append(
            writer.footer(ctx, {"count": counts["items"], "deleted": counts["deleted"], "excluded": counts["excluded"]})
        )
        yield encoded(parts)
    except GeneratorExit:
        # The client went away (or the consumer stopped): the run did not deliver a feed.
        _finish(run, counts, status=FeedRun.Status.FAILED, error="Generation interrupted before the end.")
        raise
    except Exception as exc:
        _finish(run, counts, status=FeedRun.Status.FAILED, error=repr(exc)[:ERROR_MAX])
        raise
    flush_exclusions()
    done = run.trigger != FeedRun.Trigger.PUSH
    _finish(run, counts, status=FeedRun.Status.SUCCEEDED if done else None)


# The single-byte characters XML 1.0 forbids (C0 controls but tab, line feed, carriage return).
# In UTF-8 they are never part of a longer sequence, so deleting the bytes is exact.
_FORBIDDEN_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def xml_safe_bytes(text: str) -> bytes:
    """``text`` as UTF-8 without a character XML 1.0 forbids: every writer's output passes here.

    Text is cleaned on the way in (core.text.safe_text), so this is the last guard:
    one pass over each 256 KB chunk, not a regular expression per field.
    """
    if "\ufffe" in text or "\uffff" in text:
        text = safe_text_chars(text)
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        data = safe_text_chars(text).encode()
    return data.translate(None, _FORBIDDEN_BYTES)


def _finish(run: FeedRun, counts: dict, *, status=None, error: str = "") -> None:
    for name, value in counts.items():
        setattr(run, name, value)
    fields = [*counts]
    if status is not None:
        run.status = status
        run.finished_at = timezone.now()
        fields += ["status", "finished_at"]
    if error:
        run.error = error
        fields.append("error")
    run.save(update_fields=fields)
