"""Django's Redis cache, made to degrade rather than fail, and keeping its Redis client.

**Degrade, never fail.** Every cache in the project (whole pages, generations, live
offers, menus, site settings, filter choices, cached sessions) is something the database
can answer without. So a Redis error is a miss: a read returns the default, a write is
dropped and reports that nothing was stored (``add`` is ``False``, ``set_many`` returns
every key). A short connect and socket timeout (``REDIS_TIMEOUT``) bounds one attempt,
and a circuit breaker, one per Redis server and process, bounds how often one is made:
after a failure no command reaches Redis for ``REDIS_RETRY_SECONDS``; then a single
request tries again (the others still see a miss), and closes the breaker if it works.

**Nothing stale after the outage.** A write that failed may leave an older value in
Redis (a generation not replaced, a session saved only to the database): the keys of
failed writes are remembered, up to ``DIRTY_LIMIT`` per process, and deleted when Redis
answers again, before anything is read from it.

**One client per pool.** ``django.core.cache.backends.redis.RedisCacheClient.get_client``
builds a new ``redis.Redis`` for every operation; with redis-py 8 that costs about 0.12 ms
of CPU (its command table is filled anew), as much as the round trip itself, and the page
cache makes one such call for each page it serves. A client over a connection pool is
thread-safe and the pool reconnects after a fork, so one client per pool is kept.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import threading
import time
from functools import cached_property

import redis
from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)

DIRTY_LIMIT = 10_000
DEFAULT_RETRY_SECONDS = 5.0
DEFAULT_TRACKING_SECONDS = 0.1


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self.on_write = None  # called before each write: see TrackedReads.written

    def get_client(self, key=None, *, write=False):
        if write and self.on_write is not None:
            self.on_write()
        pool = self._get_connection_pool(write)  # the pools live as long as this object
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class CircuitBreaker:
    """Closed (Redis is used), or open until a moment; then one caller at a time may try."""

    def __init__(self, name: str, interval: float):
        self.name = name
        self.interval = interval
        self._lock = threading.Lock()
        self._open_until = 0.0  # time.monotonic()
        self._failed = False
        self._dirty: set[str] = set()
        self._dirty_overflow = False

    @property
    def is_open(self) -> bool:
        return self._failed

    def allow(self) -> bool:
        """May a command go to Redis now? While open, once per interval (the trial)."""
        if not self._failed:
            return True
        with self._lock:
            now = time.monotonic()
            if not self._failed:
                return True
            if now < self._open_until:
                return False
            self._open_until = now + self.interval  # the others wait for this trial's outcome
            return True

    def failure(self, error: Exception) -> None:
        with self._lock:
            if not self._failed:
                logger.warning(
                    "Redis cache %s unavailable (%s): serving without it, next try in %.0f s",
                    self.name,
                    error,
                    self.interval,
                )
            self._failed = True
            self._open_until = time.monotonic() + self.interval

    def dirty(self) -> set[str]:
        with self._lock:
            return set(self._dirty)

    def recovered(self, deleted: set[str]) -> set[str]:
        """Close the breaker after a trial that worked; the keys still to delete."""
        with self._lock:
            if self._failed:
                logger.warning("Redis cache %s available again", self.name)
            if self._dirty_overflow:
                logger.warning("Redis cache %s: more than %d writes failed, some may be stale", self.name, DIRTY_LIMIT)
                self._dirty_overflow = False
            self._failed = False
            self._open_until = 0.0
            self._dirty -= deleted
            remaining, self._dirty = self._dirty, set()
            return remaining

    def remember(self, keys) -> None:
        with self._lock:
            for key in keys:
                if len(self._dirty) >= DIRTY_LIMIT:
                    self._dirty_overflow = True
                    return
                self._dirty.add(key)

    def reset(self) -> None:
        """Closed, nothing remembered (tests)."""
        with self._lock:
            self._failed = False
            self._open_until = 0.0
            self._dirty.clear()
            self._dirty_overflow = False


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, interval: float) -> CircuitBreaker:
    """One breaker per Redis server and process, shared by the threads' cache objects."""
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None:
            breaker = _breakers[location] = CircuitBreaker(location.rsplit("@", 1)[-1], interval)
        return breaker


def _errors():
    return (redis.exceptions.RedisError, OSError)


class CacheUnavailable(Exception):
    """Redis did not answer, or its breaker is open."""


def _guarded(method_name: str, *, on_error, writes: str | None = None):
    """``RedisCache.<method_name>`` through the breaker: when Redis cannot answer, the
    result is ``on_error(args, kwargs)``, and the keys written are remembered as possibly
    stale (``writes``: "one" for the first argument, "many" for an iterable or mapping)."""
    original = getattr(django_redis.RedisCache, method_name)

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        try:
            return self._through_breaker(lambda: original(self, *args, **kwargs))
        except CacheUnavailable:
            if writes is not None:
                first = args[0] if args else next(iter(kwargs.values()), ())
                keys = [first] if writes == "one" else list(first)
                self.breaker.remember(self.make_and_validate_key(key, version=kwargs.get("version")) for key in keys)
            return on_error(args, kwargs)

    return method


class TrackedReads:
    """Keys read from Redis and kept by this process until Redis says they changed: a hit of
    the page cache reads two small keys (the generation and the page's stub) and, while
    neither changed, reads them here instead of making a round trip for them.

    Redis's client-side caching (``CLIENT TRACKING`` on a RESP3 connection of this process's
    own): after this connection read a key, Redis sends it an invalidation the moment any
    client changes, expires or evicts it (and one for every key on ``FLUSHDB``), before the
    writer's reply. Before values are served from here, the invalidations waiting on the
    socket are read (a poll, no round trip). Three rules keep that as fresh as a round trip:

    - after a write of this process (any client of this Redis), the next read is a round
      trip: its reply comes after the write's invalidation, so the values are the new ones;
    - values are served from here only within ``fresh_seconds`` of the last reply on the
      connection, so a Redis that stopped answering (paused, cut off: no invalidation can
      arrive) is asked again, and its breaker opens, instead of old values being served;
    - any error forgets every value and reconnects on the next read.

    One per Redis server and process (``tracked_reads_for``); a thread that finds it busy
    makes an ordinary read instead.
    """

    MAX_KEYS = 4096

    def __init__(self, fresh_seconds: float):
        self.fresh_seconds = fresh_seconds
        self._lock = threading.Lock()
        self._connection = None
        self._pid = None
        self._values: dict[str, bytes | None] = {}
        self._replied_at = -math.inf  # time.monotonic() of the last reply on the connection
        self._must_ask = True
        self.supported = True

    def written(self) -> None:
        self._must_ask = True

    def get_many(self, client: RedisCacheClient, keys: list[str]) -> list[bytes | None]:
        """The raw values of ``keys`` (None when absent); raises what redis-py raises."""
        if not self._lock.acquire(blocking=False):
            return client.get_client().mget(keys)
        try:
            try:
                return self._get_many(client, keys)
            except redis.exceptions.ConnectionError:
                # A connection Redis closed (restarted, or an idle timeout): once more on a
                # new one, as redis-py's pool would. A timeout is not retried: Redis is slow.
                self._forget()
                return self._get_many(client, keys)
        except BaseException:
            self._forget()
            raise
        finally:
            self._lock.release()

    def _get_many(self, client, keys):
        connection = self._connected(client)
        while connection.can_read(timeout=0):  # invalidations since the last read; EOF raises
            connection.read_response(push_request=True)
        values = self._values
        if not self._must_ask and time.monotonic() - self._replied_at < self.fresh_seconds:
            try:
                return [values[key] for key in keys]
            except KeyError:
                pass
        self._must_ask = False  # a write from now on asks again
        connection.send_command("MGET", *keys)
        found = connection.read_response()  # invalidations before the reply are handled first
        self._replied_at = time.monotonic()
        if len(values) + len(keys) > self.MAX_KEYS:
            values.clear()  # their invalidations, when they come, find nothing to drop
        values.update(zip(keys, found, strict=True))
        return found

    def _connected(self, client):
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        self._connection = None  # a forked child's copy is left to the parent
        self._values.clear()
        pool = client._get_connection_pool(False)
        connection = pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})
        try:
            connection.connect()
            connection._parser.set_invalidation_push_handler(self._invalidated)
            connection.send_command("CLIENT", "TRACKING", "ON")
            connection.read_response()
        except BaseException:  # refused or timed out: not left open
            connection.disconnect()
            raise
        self._connection, self._pid = connection, os.getpid()
        return connection

    def _invalidated(self, message) -> None:
        keys = message[1]
        if keys is None:  # FLUSHDB, FLUSHALL, or Redis dropped its tracking table
            self._values.clear()
            return
        for key in keys:
            self._values.pop(key.decode() if isinstance(key, bytes) else key, None)

    def _forget(self) -> None:
        self._values.clear()
        self._replied_at = -math.inf
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.disconnect()


_tracked: dict[str, TrackedReads] = {}


def tracked_reads_for(location: str, fresh_seconds: float) -> TrackedReads:
    with _breakers_lock:
        tracked = _tracked.get(location)
        if tracked is None:
            tracked = _tracked[location] = TrackedReads(fresh_seconds)
        return tracked


class RedisCache(django_redis.RedisCache):
    """``OPTIONS`` go to redis-py's connection pool, except ``retry_seconds`` (the breaker's
    interval) and ``tracking_seconds`` (:class:`TrackedReads`'s ``fresh_seconds``)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = float(options.pop("retry_seconds", DEFAULT_RETRY_SECONDS))
        tracking_seconds = float(options.pop("tracking_seconds", DEFAULT_TRACKING_SECONDS))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = RedisCacheClient
        location = server if isinstance(server, str) else ",".join(server)
        self.breaker = breaker_for(location, retry_seconds)
        self.tracked = tracked_reads_for(location, tracking_seconds)

    @cached_property
    def _cache(self):
        client = self._class(self._servers, **self._options)
        client.on_write = self.tracked.written
        return client

    def get_many_tracked(self, keys, version=None) -> dict:
        """``get_many``, answered without a round trip while Redis has not said that any of
        ``keys`` changed since this process read them (:class:`TrackedReads`). For the few
        small keys a request reads every time, not for large values."""
        if self.breaker.is_open or not self.tracked.supported:
            return self.get_many(keys, version=version)  # the breaker's trial, or {}
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        client = self._cache
        try:
            found = self.tracked.get_many(client, list(made))
        except redis.exceptions.ResponseError as error:  # a Redis without RESP3 or tracking
            logger.warning("Redis cache %s: no client-side tracking (%s)", self.breaker.name, error)
            self.tracked.supported = False
            return self.get_many(keys, version=version)
        except _errors() as error:
            self.breaker.failure(error)
            return {}
        loads = client._serializer.loads
        return {made[key]: loads(value) for key, value in zip(made, found, strict=True) if value is not None}

    def _through_breaker(self, call):
        breaker = self.breaker
        if not breaker.allow():
            raise CacheUnavailable
        trial = breaker.is_open
        deleted: set[str] = set()
        try:
            if trial:  # first the keys whose writes failed, before anything is read
                deleted = breaker.dirty()
                if deleted:
                    self._cache.get_client(write=True).delete(*deleted)
            result = call()
        except _errors() as error:
            breaker.failure(error)
            raise CacheUnavailable from error
        if trial:
            remaining = breaker.recovered(deleted)
            if remaining:
                try:
                    self._cache.get_client(write=True).delete(*remaining)
                except _errors() as error:
                    breaker.remember(remaining)
                    breaker.failure(error)
        return result

    def available(self) -> bool:
        """Does Redis answer a PING now? (Through the breaker: at most one try per interval.)"""
        try:
            self._through_breaker(lambda: self._cache.get_client().ping())
        except CacheUnavailable:
            return False
        return True

    get = _guarded("get", on_error=lambda args, kwargs: args[1] if len(args) > 1 else kwargs.get("default"))
    get_many = _guarded("get_many", on_error=lambda args, kwargs: {})
    has_key = _guarded("has_key", on_error=lambda args, kwargs: False)
    set = _guarded("set", on_error=lambda args, kwargs: None, writes="one")
    add = _guarded("add", on_error=lambda args, kwargs: False, writes="one")
    touch = _guarded("touch", on_error=lambda args, kwargs: False, writes="one")
    delete = _guarded("delete", on_error=lambda args, kwargs: False, writes="one")
    set_many = _guarded(
        "set_many", on_error=lambda args, kwargs: list(args[0] if args else kwargs["data"]), writes="many"
    )
    delete_many = _guarded("delete_many", on_error=lambda args, kwargs: None, writes="many")
    clear = _guarded("clear", on_error=lambda args, kwargs: None)

    def get_or_raise(self, key, version=None):
        """The value, ``None`` when absent, :class:`CacheUnavailable` when Redis cannot answer."""
        return self._through_breaker(lambda: super(RedisCache, self).get(key, None, version))

    def incr(self, key, delta=1, version=None):
        """Django's, but :class:`CacheUnavailable` when Redis cannot answer: a counter has
        no "miss", its caller decides what to do without it."""
        return self._through_breaker(lambda: super(RedisCache, self).incr(key, delta, version))
