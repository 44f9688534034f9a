"""A Celery round trip through Redis with a real worker process (CI's Redis pass runs it)."""

import os
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def worker():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (Redis as the broker); .ci/run sets it for its PostgreSQL pass")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ocop_market.settings.test", "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ocop_market", "worker", "--pool=solo", "-c", "1", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_task_sent_through_redis_is_run_by_a_worker_process(worker):
    from ocop_market.celery import app

    token = uuid.uuid4().hex
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)  # exactly what this test wants
        app.send_task("ocop_market.ping", args=[token])  # through the broker, never eager
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and cache.get(f"celery-ping:{token}") is None:
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        time.sleep(0.2)
    assert cache.get(f"celery-ping:{token}") == "pong"
