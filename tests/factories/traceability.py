"""Batches built through the traceability services (so their rules hold), for tests.

published_batch()                       # a new product, one harvest and one packing event
published_batch(product=p, gtin="8935049500018")
draft_batch(product=p)                  # not on any public page yet
"""

import datetime

from django.utils import timezone

from traceability.services import EventData, batch_create, batch_publish

from .catalog import ProductFactory


def _at(days_ago: int, hour: int = 8) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def draft_batch(*, product=None, actor=None, code="L2025-01", gtin="", events=None, **fields):
    product = product or ProductFactory()
    commune = product.producer.stall.commune
    today = timezone.localdate()
    if events is None:
        events = [
            EventData(stage="harvest", commune=commune, occurred_at=_at(10), note="Thu hoạch buổi sáng"),
            EventData(stage="packing", commune=commune, occurred_at=_at(8, 14), note="Đóng hộp 500 g"),
        ]
    values = {
        "produced_on": today - datetime.timedelta(days=10),
        "packed_on": today - datetime.timedelta(days=8),
        "expires_on": today + datetime.timedelta(days=180),
        "quantity": 120,
        "quantity_unit": "hộp",
        "standards": ["ocop", "vietgap"],
        **fields,
    }
    return batch_create(product=product, actor=actor, code=code, gtin=gtin, events=events, **values)


def published_batch(**kwargs):
    batch = draft_batch(**kwargs)
    return batch_publish(batch=batch, actor=kwargs.get("actor"))
