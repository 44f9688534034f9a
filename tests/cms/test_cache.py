"""cms.cache: entries kept by generation, in the shared cache and in this process."""

import time

from django.core.cache import cache as shared

from cms import cache


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
