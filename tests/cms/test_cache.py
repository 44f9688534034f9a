"""cms.cache: entries kept by generation, in the shared cache and in this process."""

import time

import pytest
from django.core.cache import cache as shared
from django.core.signals import request_finished, request_started
from django.urls import reverse

from cms import cache
from tests.factories.catalog import ProductFactory


def test_an_entry_is_built_once_and_then_read_without_the_shared_cache(monkeypatch):
    builds = []

    def build():
        builds.append(1)
        return {"menu": ["Sản phẩm"]}, 60

    first = cache.cached("test-menu", build)
    reads = []
    real_get = shared.get
    monkeypatch.setattr(shared, "get", lambda key, *args: reads.append(key) or real_get(key, *args))
    second = cache.cached("test-menu", build)
    assert second == first and len(builds) == 1
    assert reads == [cache.GENERATION_KEY]  # the generation only: no entry to fetch and unpickle


def test_a_change_made_by_another_process_reaches_this_one_at_once():
    value = ["old"]
    assert cache.cached("test-links", lambda: (list(value), 60)) == ["old"]
    value[0] = "new"
    # Another process bumps the generation in the shared cache; this one only reads it.
    shared.set(cache.GENERATION_KEY, "generation-of-another-process", None)
    assert cache.cached("test-links", lambda: (list(value), 60)) == ["new"]


def test_an_entry_past_its_expiry_is_built_again(time_machine):
    built = iter(["first", "second"])
    assert cache.cached("test-offers", lambda: (next(built), 30)) == "first"
    time_machine.move_to(time.time() + 31)
    assert cache.cached("test-offers", lambda: (next(built), 30)) == "second"


def test_an_entry_with_no_time_to_live_is_never_kept():
    built = iter(["first", "second"])
    assert cache.cached("test-closing", lambda: (next(built), 0)) == "first"
    assert cache.cached("test-closing", lambda: (next(built), 0)) == "second"


def _reads_of(key, monkeypatch):
    """The cache reads of ``key`` from now on: by get or get_many (once, whichever backend
    implements get_many with get)."""
    reads, inside_get_many = [], []
    real_get, real_get_many = shared.get, shared.get_many

    def get(k, *args, **kwargs):
        if k == key and not inside_get_many:
            reads.append(k)
        return real_get(k, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.extend(k for k in keys if k == key)
        inside_get_many.append(1)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(shared, "get", get)
    monkeypatch.setattr(shared, "get_many", get_many)
    return reads


@pytest.mark.django_db
def test_a_storefront_page_reads_the_generation_once_and_the_next_request_reads_it_again(client, monkeypatch):
    # Each read is a round trip to Redis: a product page used to read it five times, the home page eight.
    product = ProductFactory(name="Bánh pía Sóc Trăng")
    reads = _reads_of(cache.GENERATION_KEY, monkeypatch)
    assert client.get(product.get_absolute_url()).status_code == 200
    assert reads == [cache.GENERATION_KEY]

    # A change made by another process between two requests is seen by the next one.
    shared.set(cache.GENERATION_KEY, "generation-of-another-process", None)
    seen = []
    monkeypatch.setattr(cache, "_remember", lambda current, key, entry: seen.append(current))
    assert client.get(reverse("orders:cart")).status_code == 200  # never from the page cache
    assert len(reads) == 2 and set(seen) == {"generation-of-another-process"}


def test_outside_a_request_every_read_goes_to_the_cache():
    # A task or a command runs for minutes: it must see another process's change at once.
    first = cache.generation()
    shared.set(cache.GENERATION_KEY, "bumped-elsewhere", None)
    assert cache.generation() == "bumped-elsewhere" != first


@pytest.mark.django_db
def test_a_request_that_bumps_the_generation_reads_its_own_bump():
    request_started.send(sender=None)
    try:
        before = cache.generation()
        cache.bump()
        after = cache.generation()
        assert after != before and after == shared.get(cache.GENERATION_KEY)
        shared.set(cache.GENERATION_KEY, "bumped-elsewhere-meanwhile", None)
        # Kept for the rest of this request: its entries stay keyed by what it read first.
        assert cache.generation() == after
    finally:
        request_finished.send(sender=None)
    assert cache.generation() == "bumped-elsewhere-meanwhile"
