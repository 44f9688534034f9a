"""ocop_market.worker: a worker's loaded objects are kept out of the cycle collector's walks."""

import gc

import pytest
from django.core.signals import request_finished

from ocop_market import worker


@pytest.fixture
def unfrozen(monkeypatch):
    monkeypatch.setattr(worker, "_served", 0)
    yield
    request_finished.disconnect(dispatch_uid="ocop_market_worker_warm")
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_a_prepared_worker_leaves_its_loaded_objects_out_of_every_collection():
    tracked_before = len(gc.get_objects())
    worker.prepare()
    # Django, Wagtail and the URLconf: a full collection no longer walks them.
    assert gc.get_freeze_count() >= tracked_before * 0.9
    assert len(gc.get_objects()) < tracked_before * 0.1


@pytest.mark.django_db
@pytest.mark.usefixtures("unfrozen")
def test_what_the_first_requests_load_is_frozen_too(client, monkeypatch):
    monkeypatch.setattr(worker, "WARM_REQUESTS", 3)
    worker.prepare()
    frozen_at_start = gc.get_freeze_count()
    client.get("/")
    client.get("/products/")
    # (The count can fall: frozen objects are still freed when nothing refers to them.)
    assert gc.get_freeze_count() <= frozen_at_start
    loaded = len(gc.get_objects())  # what a collection walks: the templates, caches … of two requests
    client.get("/stalls/")
    # Frozen at the end of the third: a collection now walks only what was made since.
    assert len(gc.get_objects()) < loaded / 2
    # Once: later requests freeze nothing more.
    frozen = gc.get_freeze_count()
    client.get("/products/")
    assert gc.get_freeze_count() <= frozen
