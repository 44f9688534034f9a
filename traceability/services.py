"""Every write of the traceability app: batches, their events, publication, the stall's QR choice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.changes import entries_changed

from .models import Batch, StallPaymentQr, TraceEvent

Stage = TraceEvent.Stage


class TraceError(Exception):
    """A refused action, with a complete sentence the page shows as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class EventData:
    stage: str
    commune: object  # producers.Commune
    occurred_at: datetime.datetime
    note: str = ""
    photo: object = None  # an uploaded file, or None


def acting_for(*, product, actor) -> bool:
    """True when someone other than the producer's own account enters the data (an officer)."""
    return bool(actor is not None and product.producer.owner_id != actor.pk)


def event_errors(*, previous: TraceEvent | EventData | None, event: EventData) -> dict[str, str]:
    """Why ``event`` cannot follow ``previous`` (field → message), or {} when it can.

    Stages go planting → harvest → processing → packing → shipping (a stage may repeat, or be
    skipped) and times never go back. A correction may come at any time after the last event.
    """
    errors: dict[str, str] = {}
    now = timezone.now()
    if event.occurred_at and event.occurred_at > now + datetime.timedelta(minutes=5):
        errors["occurred_at"] = _("The time of an event cannot be in the future.")
    if event.stage == Stage.CORRECTION and not (event.note or "").strip():
        errors["note"] = _("Say what the correction is: the note is shown on the trace page.")
    if previous is None or "occurred_at" in errors:
        return errors
    if event.occurred_at and event.occurred_at < previous.occurred_at:
        local = timezone.localtime(previous.occurred_at)
        errors["occurred_at"] = _("Events go in order: this one is before the previous one (%(time)s).") % {
            "time": local.strftime("%d/%m/%Y %H:%M")
        }
    elif event.stage != Stage.CORRECTION and previous.stage != Stage.CORRECTION:
        order = TraceEvent.STAGE_ORDER
        if order.get(event.stage, 0) < order.get(previous.stage, 0):
            errors["stage"] = _("“%(stage)s” cannot come after “%(previous)s”.") % {
                "stage": Stage(event.stage).label,
                "previous": Stage(previous.stage).label,
            }
    return errors


def _last_event(batch: Batch) -> TraceEvent | None:
    return batch.events.order_by("-sequence").first()


def _last_stage_event(batch: Batch) -> TraceEvent | None:
    return batch.events.exclude(stage=Stage.CORRECTION).order_by("-sequence").first()


def _add_event(*, batch: Batch, event: EventData, actor, by_officer: bool, sequence: int) -> TraceEvent:
    row = TraceEvent(
        batch=batch,
        sequence=sequence,
        stage=event.stage,
        commune=event.commune,
        occurred_at=event.occurred_at,
        note=(event.note or "").strip(),
        recorded_by=actor,
        by_officer=by_officer,
    )
    if event.photo:
        row.photo = event.photo
    row.full_clean(exclude=["batch"])
    row.save()
    return row


@transaction.atomic
def batch_create(
    *,
    product,
    actor,
    code: str,
    produced_on: datetime.date,
    packed_on: datetime.date,
    quantity: int,
    quantity_unit: str,
    expires_on: datetime.date | None = None,
    expiry_kind: str = Batch.ExpiryKind.BEST_BEFORE,
    gtin: str = "",
    standards: list[str] | tuple[str, ...] = (),
    events: list[EventData] | tuple[EventData, ...] = (),
) -> Batch:
    """A draft batch with its first events, in order. ValidationError (by field) when the data is wrong."""
    by_officer = acting_for(product=product, actor=actor)
    batch = Batch(
        product=product,
        code=code.strip(),
        gtin=gtin.strip(),
        produced_on=produced_on,
        packed_on=packed_on,
        expires_on=expires_on,
        expiry_kind=expiry_kind,
        quantity=quantity,
        quantity_unit=quantity_unit.strip() or product.unit,
        standards=list(dict.fromkeys(standards)),
        created_by=actor,
        by_officer=by_officer,
    )
    batch.full_clean(exclude=["trace_code"])
    batch.save()
    previous = None
    for n, event in enumerate(events, start=1):
        errors = event_errors(previous=previous, event=event)
        if errors:
            raise ValidationError(errors)
        previous = _add_event(batch=batch, event=event, actor=actor, by_officer=by_officer, sequence=n)
    return batch


@transaction.atomic
def event_add(*, batch: Batch, actor, event: EventData) -> TraceEvent:
    """Append an event. After publication only appending is possible: a mistake gets a correction."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    previous = _last_stage_event(batch) if event.stage != Stage.CORRECTION else _last_event(batch)
    errors = event_errors(previous=previous, event=event)
    if errors:
        raise ValidationError(errors)
    sequence = (batch.events.aggregate(m=Max("sequence"))["m"] or 0) + 1
    return _add_event(
        batch=batch,
        event=event,
        actor=actor,
        by_officer=acting_for(product=batch.product, actor=actor),
        sequence=sequence,
    )


@transaction.atomic
def event_delete(*, event: TraceEvent, actor) -> None:
    """Remove an event of a draft batch (a published batch keeps every event)."""
    batch = Batch.objects.select_for_update().get(pk=event.batch_id)
    if batch.is_published:
        raise TraceError(_("This batch is published: add a correction instead of deleting an event."))
    event.delete()


@transaction.atomic
def batch_publish(*, batch: Batch, actor) -> Batch:
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_published:
        raise TraceError(_("This batch is already published."))
    if not batch.events.exists():
        raise TraceError(_("Add at least one event (harvest, processing, packing …) before publishing."))
    batch.status = Batch.Status.PUBLISHED
    batch.published_at = timezone.now()
    batch.save(update_fields=["status", "published_at", "updated_at"])
    # The feeds carry the product's current batch (its trace link): its entry changed.
    entries_changed(product_ids=[batch.product_id])
    return batch


@transaction.atomic
def payment_qr_set(*, stall, on_product_pages: bool) -> StallPaymentQr:
    choice, _created = StallPaymentQr.objects.get_or_create(stall=stall)
    if choice.on_product_pages != on_product_pages:
        choice.on_product_pages = on_product_pages
        choice.save(update_fields=["on_product_pages", "updated_at"])
    return choice
