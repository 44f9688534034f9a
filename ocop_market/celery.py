"""The Celery app: background jobs (feed pushes) on Redis workers, or in-process.

With ``REDIS_URL`` unset the settings make every task run eagerly, so the embedded
default needs no broker. ``make worker`` starts a worker with the beat scheduler.
"""

import os

from celery import Celery
from django.core.cache import cache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_market.settings.base")

app = Celery("ocop_market")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ocop_market.ping")
def ping(token: str) -> str:
    """Writes ``token`` to the cache: the round trip a health check or a test can observe."""

    cache.set(f"celery-ping:{token}", "pong", 300)
    return "pong"
