"""Keys the page cache reads on every hit, kept by the process until Redis says they changed
(core.cache_backend.TrackedReads), against a real redis-server of the test's own."""

import logging
import shutil
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core import cache_backend
from tests.factories.catalog import ProductFactory
from tests.test_redis_fault import RedisServer, free_port, use_server

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server"),
]

FRESH_SECONDS = 1.0


@pytest.fixture
def redis_server(settings):
    server = RedisServer(free_port())
    server.start()
    breaker = use_server(settings, server, tracking_seconds=FRESH_SECONDS)
    try:
        yield server
    finally:
        server.stop()
        breaker.reset()
        cache_backend._tracked.pop(server.url, None)


def _mgets(server) -> int:
    """How many MGETs the server has answered: each one a round trip of the cache."""
    stats = redis.Redis.from_url(server.url).info("commandstats")
    return stats.get("cmdstat_mget", {}).get("calls", 0)


def test_a_second_read_is_answered_without_a_round_trip(redis_server):
    cache.set("a", "một")
    cache.set("b", 2)
    assert cache.get_many_tracked(["a", "b", "absent"]) == {"a": "một", "b": 2}
    asked = _mgets(redis_server)

    for _ in range(5):
        assert cache.get_many_tracked(["a", "b", "absent"]) == {"a": "một", "b": 2}

    assert _mgets(redis_server) == asked


def test_another_process_changing_a_key_is_seen_at_once(redis_server):
    """Another gunicorn worker's write reaches this one as an invalidation: the next read
    is the new value, within the freshness window too."""
    cache.set("generation", "old")
    assert cache.get_many_tracked(["generation"]) == {"generation": "old"}
    other_worker = redis.Redis.from_url(redis_server.url)
    key = cache.make_key("generation")

    other_worker.set(key, cache._cache._serializer.dumps("new"))
    assert cache.get_many_tracked(["generation"]) == {"generation": "new"}

    other_worker.delete(key)
    assert cache.get_many_tracked(["generation"]) == {}

    other_worker.set(key, cache._cache._serializer.dumps("again"))  # a key absent when read is tracked too
    assert cache.get_many_tracked(["generation"]) == {"generation": "again"}


def test_this_process_writing_makes_the_next_read_a_round_trip(redis_server):
    cache.set("stub", ("g1", 1))
    assert cache.get_many_tracked(["stub"]) == {"stub": ("g1", 1)}
    asked = _mgets(redis_server)

    cache.delete("stub")

    assert cache.get_many_tracked(["stub"]) == {}
    assert _mgets(redis_server) == asked + 1


def test_values_are_asked_again_after_the_freshness_window(redis_server):
    cache.set("a", 1)
    cache.get_many_tracked(["a"])
    asked = _mgets(redis_server)

    time.sleep(FRESH_SECONDS + 0.05)
    assert cache.get_many_tracked(["a"]) == {"a": 1}

    assert _mgets(redis_server) == asked + 1


def test_flushing_redis_forgets_every_value(redis_server):
    cache.set("a", 1)
    cache.get_many_tracked(["a"])

    redis.Redis.from_url(redis_server.url).flushdb()

    assert cache.get_many_tracked(["a"]) == {}


def test_a_paused_redis_is_a_miss_once_the_window_ends_not_an_old_value(redis_server):
    """Paused, Redis can tell nobody of a change: what this process kept is not trusted past
    the freshness window, and the read that finds Redis silent opens the breaker."""
    cache.set("a", 1)
    assert cache.get_many_tracked(["a"]) == {"a": 1}

    redis_server.pause()
    try:
        time.sleep(FRESH_SECONDS + 0.05)
        assert cache.get_many_tracked(["a"]) == {}
        assert cache.breaker.is_open
    finally:
        redis_server.resume()


def test_a_restarted_redis_is_read_again_not_remembered(redis_server):
    """The connection Redis closed is replaced at once: the empty Redis is read, and the
    breaker stays closed (the pool's connections recover the same way)."""
    cache.set("a", 1)
    assert cache.get_many_tracked(["a"]) == {"a": 1}

    redis_server.kill()
    redis_server.start()  # empty, on the same port

    assert cache.get_many_tracked(["a"]) == {}
    assert not cache.breaker.is_open


def test_a_page_changed_by_another_worker_is_not_served_from_this_ones_copy(redis_server, settings):
    """The page cache's hit reads the generation and the page's stub through the tracked
    reads: another worker replacing the generation (a change to what every page shows)
    makes this worker's next request a miss, not its kept copy."""
    settings.STOREFRONT_CACHE_SECONDS = 600
    product = ProductFactory(name="Mật ong hoa nhãn", price=150000, stock=10)
    url = reverse("catalog:product-detail", args=[product.slug])
    visitor = Client()
    assert visitor.get(url)["X-Page-Cache"] == "miss"
    assert visitor.get(url)["X-Page-Cache"] == "hit"
    asked = _mgets(redis_server)
    assert visitor.get(url)["X-Page-Cache"] == "hit"
    assert _mgets(redis_server) == asked  # the hit made no round trip for the stub

    other_worker = redis.Redis.from_url(redis_server.url)
    other_worker.set(cache.make_key("pages:generation"), cache._cache._serializer.dumps("from-another-worker"))

    assert visitor.get(url)["X-Page-Cache"] == "miss"


def test_a_redis_that_refuses_tracking_is_read_the_ordinary_way(settings, caplog):
    """A Redis without client tracking (an older one, or a host that turns CLIENT off): the
    page cache's reads are ordinary round trips, said once in the log, and Redis stays in use."""
    server = RedisServer(free_port(), "--rename-command", "CLIENT", "")
    server.start()
    breaker = use_server(settings, server, tracking_seconds=FRESH_SECONDS)
    try:
        cache.set("a", 1)
        with caplog.at_level(logging.WARNING, logger="core.cache_backend"):
            for _ in range(3):
                assert cache.get_many_tracked(["a"]) == {"a": 1}

        assert caplog.text.count("no client-side tracking") == 1
        assert not cache.breaker.is_open
        assert _mgets(server) == 3  # each read asked Redis
        inspector = redis.Redis.from_url(server.url)
        assert inspector.info("clients")["connected_clients"] == 2  # the cache's and this one
    finally:
        server.stop()
        breaker.reset()
        cache_backend._tracked.pop(server.url, None)
