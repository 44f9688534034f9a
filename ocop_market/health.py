"""``/healthz``: is this instance able to serve? For load balancers and uptime checks.

Each check is a small function that returns its state (``"ok"``, or ``"eager"`` for a
broker that is not configured) or raises; the view runs them all, so one probe shows
what is down. Only the database is essential: without it the view answers 503 (the
balancer takes the instance out). Without Redis (the cache, the broker) the site still
serves, from the database (core/cache_backend.py): 200, ``"status": "degraded"``,
naming the parts in ``degraded``, so every instance is not taken out for a Redis outage.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2  # seconds: a probe must answer well within the balancer's own timeout
ESSENTIAL = frozenset({"database"})


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 returned an unexpected row")
    return "ok"


def check_cache() -> str:
    available = getattr(cache, "available", None)  # the Redis backend: through its breaker
    if available is not None and not available():
        raise RuntimeError("Redis does not answer")
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    try:
        if cache.get(key) != "1":
            raise RuntimeError("the cache did not return the value just set")
    finally:
        cache.delete(key)
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "eager"  # tasks run in-process: there is no broker to reach
    breaker = getattr(cache, "breaker", None)
    if breaker is not None and breaker.is_open and settings.CELERY_BROKER_URL == settings.REDIS_URL:
        # The same Redis failed the cache's last try: no new connection per probe.
        raise RuntimeError("Redis does not answer (the cache's circuit breaker is open)")

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    return "ok"


@never_cache
def healthz(request):
    # Looked up at call time, so a test can replace one check.
    checks = {"database": check_database, "cache": check_cache, "broker": check_broker}
    body = {}
    failing = []
    degraded = []
    for name, check in checks.items():
        try:
            body[name] = check()
        except Exception:
            if name in ESSENTIAL:
                logger.exception("Health check failed: %s", name)
                failing.append(name)
            else:
                logger.warning("Health check degraded: %s", name, exc_info=True)
                degraded.append(name)
            body[name] = "error"
    status = "error" if failing else "degraded" if degraded else "ok"
    body = {"status": status, **body}
    if failing:
        body["failing"] = failing
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body, status=503 if failing else 200)
