"""An officer and the household adding steps to the same batch at once (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from tests.factories.traceability import published_batch
from traceability.services import EventData, batch_publish, event_add

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL (row locks between real connections); run with DATABASE_URL=postgres://…",
    ),
]

WRITERS = 8


def test_parallel_corrections_get_distinct_sequences_and_a_double_publish_is_refused():
    batch = published_batch()
    commune = batch.product.producer.stall.commune
    barrier = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()
    at = timezone.now()

    def correct(n):
        try:
            barrier.wait()
            try:
                event = EventData("correction", commune, at, note=f"Đính chính {n}")
                event_add(batch=batch, actor=None, event=event)
                result = "ok"
            except Exception as exc:
                result = f"error {type(exc).__name__}: {exc}"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["ok"] * WRITERS, outcomes
    sequences = list(batch.events.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS + 3))
    with pytest.raises(Exception, match="đã được công bố"):
        batch_publish(batch=batch, actor=None)
