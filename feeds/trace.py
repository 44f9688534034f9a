"""The trace URL of each product's current production batch, for the feeds.

A separate step of each chunk (one query): the newest published batch of each product, its
public trace page (GS1 Digital Link when the batch has a GTIN). JSON carries it as
``trace_url``, Google XML as ``<ocop:trace_link>``.
"""

from __future__ import annotations

from django.db.models import Max, Q

from traceability.codes import trace_url
from traceability.models import Batch
from traceability.queries import current_batches


def attach_trace_urls(by_id: dict, products: Q) -> None:
    """Set ``trace_url`` on the rows (product id → FeedRow) whose product has a published
    batch; ``products``: a condition on ``product_id`` that holds at least those products."""

    for product_id, batch in current_batches(products).items():
        row = by_id.get(product_id)
        if row is not None:
            row.trace_url = trace_url(batch)


def last_trace_change():
    """When a batch was last published: part of the feed's fingerprint (ETag)."""

    return Batch.objects.published().aggregate(last=Max("published_at"))["last"]
