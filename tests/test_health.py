"""/healthz answers the load balancer: 200 when all is up, 200 "degraded" without Redis, 503 without the database."""

import pytest
from django.urls import reverse

from ocop_market import health

pytestmark = pytest.mark.django_db


def broken():
    raise RuntimeError("down")


def test_healthz_is_ok_when_every_part_is_up(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    # The embedded default has no broker; CI's Redis pass reaches the real one.
    broker = "ok" if settings.REDIS_URL else "eager"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": broker}


def test_healthz_is_not_localized_and_never_cached(client):
    assert reverse("healthz") == "/healthz"
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_healthz_names_the_database_when_it_fails(client, monkeypatch):
    monkeypatch.setattr(health, "check_database", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error"
    assert body["failing"] == ["database"]
    assert body["cache"] == "ok"


def test_healthz_names_the_cache_when_it_fails_but_still_answers_200(client, monkeypatch):
    """The site serves without its cache (tests/test_redis_down.py): the balancer keeps it in."""
    monkeypatch.setattr(health, "check_cache", broken)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["cache"] == "error"
    assert body["degraded"] == ["cache"]
    assert "failing" not in body
    assert body["database"] == "ok"


def test_broker_check_reports_an_unreachable_broker(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = settings.REDIS_URL

    with pytest.raises(Exception):  # noqa: B017 - kombu raises its own OperationalError
        health.check_broker()


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
