"""``/healthz``: is this instance able to serve? For load balancers and uptime checks.

Each check is a small function that returns its state (``"ok"``, or ``"eager"`` for a
broker that is not configured) or raises; the view runs them all and answers 503 naming
the parts that failed, so one probe shows what is down.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2  # seconds: a probe must answer well within the balancer's own timeout


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 returned an unexpected row")
    return "ok"


def check_cache() -> str:
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
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    return "ok"


@never_cache
def healthz(request):
    # Looked up at call time, so a test can replace one check.
    checks = {"database": check_database, "cache": check_cache, "broker": check_broker}
    body = {}
    failing = []
    for name, check in checks.items():
        try:
            body[name] = check()
        except Exception:
            logger.exception("Health check failed: %s", name)
            body[name] = "error"
            failing.append(name)
    body = {"status": "error" if failing else "ok", **body}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
