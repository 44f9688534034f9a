"""With Redis unreachable the site serves from the database: no 500, /healthz degraded but 200.

``REDIS_URL`` points at a closed port on loopback here (the cache, the cached sessions and
the page cache all on it). The fault test, which kills and restarts a real ``redis-server``
during a load of requests, is in tests/test_redis_fault.py.
"""

import socket

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core import cache_backend
from orders.models import Order
from tests.test_url_sweep import swept_patterns, urls_for, world  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once the socket is closed


def redis_cache_settings(url: str, retry_seconds: float = 5.0) -> dict:
    options = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "retry_seconds": retry_seconds}
    return {"default": {"BACKEND": "core.cache_backend.RedisCache", "LOCATION": url, "OPTIONS": options}}


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{closed_port()}/4"
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CACHES = redis_cache_settings(url, retry_seconds=60)  # a test is shorter than one interval
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache_backend.breaker_for(url, 60).reset()
    yield url
    cache_backend.breaker_for(url, 60).reset()


@pytest.fixture
def connects(monkeypatch):
    """The connection attempts redis-py makes, counted."""
    attempts = []
    original = redis.connection.Connection._connect

    def counted(self):
        attempts.append(self.port)
        return original(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    return attempts


def test_every_storefront_page_answers_with_redis_down(redis_down, connects, world):  # noqa: F811
    client = Client(raise_request_exception=False)
    served = []
    for route, name in swept_patterns():
        if route.startswith("admin/"):
            continue
        for url in urls_for(route, name, world):
            for _ in range(2):  # the second time, the page cache would have it if Redis were up
                response = client.get(url)
                served.append((url, response.status_code))
    assert len(served) > 20
    assert [s for s in served if s[1] >= 500] == []
    assert {status for _url, status in served} <= {200, 401}
    # The closed breaker tried once; every other request went on without a connect attempt.
    assert len(connects) == 1


def test_cart_and_cash_on_delivery_checkout_with_redis_down(redis_down, connects, world):  # noqa: F811
    from tests.factories.producers import CommuneFactory

    client = Client(raise_request_exception=False)
    product = world["product"]
    product.stock = 5
    product.save()
    response = client.post(reverse("orders:cart"), {"product": product.pk, "quantity": "2"})
    assert response.status_code == 302
    # The session was saved to the database: the next request finds the cart.
    cart = client.get(reverse("orders:cart"))
    assert cart.status_code == 200
    assert product.name in cart.content.decode()
    assert client.get(reverse("orders:checkout")).status_code == 200

    commune = CommuneFactory()
    response = client.post(
        reverse("orders:checkout"),
        {
            "buyer_name": "Trần Thị Bình",
            "buyer_phone": "0912 345 678",
            "buyer_email": "binh@example.com",
            "province": commune.province.pk,
            "commune": commune.pk,
            "street_address": "12 Lê Lợi",
            "note": "",
            "payment_method": "cod",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    product.refresh_from_db()
    assert product.stock == 3
    assert len(connects) == 1


def test_signed_in_user_stays_signed_in_with_redis_down(redis_down, world):  # noqa: F811
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["farmer"])
    response = client.get(reverse("onboarding:home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == world["users"]["farmer"]


def test_search_pages_and_suggestions_with_redis_down(redis_down, world, settings):  # noqa: F811
    """The search's kept answers (count, ranked window, suggestions) are computed each time
    instead: the same pages, for a buyer and for a signed-in household."""
    from tests.factories.catalog import ProductFactory

    settings.PAGE_SIZE = 2
    for n in range(5):
        ProductFactory(name=f"Mật ong rừng U Minh {n}", producer=world["stall"].producer)
    household = Client(raise_request_exception=False)
    household.force_login(world["users"]["farmer"])
    for client in (Client(raise_request_exception=False), household):
        pages = []
        for _ in range(2):
            pages.append(
                [
                    [p.name for p in client.get("/products/", {"q": "mat ong u minh", "page": n}).context["products"]]
                    for n in (1, 2, 3)
                ]
            )
        assert pages[0] == pages[1]
        assert sorted(sum(pages[0], [])) == [f"Mật ong rừng U Minh {n}" for n in range(5)]
        suggested = client.get(reverse("catalog:search-suggest"), {"q": "mat ong"})
        assert suggested.status_code == 200


def test_healthz_reports_redis_degraded_but_answers_200(redis_down, client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["cache"] == "error" and body["broker"] == "error"
    assert body["degraded"] == ["cache", "broker"]
    assert "failing" not in body


def test_healthz_fails_when_the_database_does_even_with_redis_down(redis_down, client, monkeypatch):
    from ocop_market import health

    def broken():
        raise RuntimeError("down")

    monkeypatch.setattr(health, "check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_a_dead_redis_costs_one_connect_attempt_per_interval(settings, connects, monkeypatch):
    url = f"redis://127.0.0.1:{closed_port()}/4"
    settings.CACHES = redis_cache_settings(url, retry_seconds=30)
    breaker = cache_backend.breaker_for(url, 30)
    breaker.reset()
    now = [1000.0]
    monkeypatch.setattr(cache_backend.time, "monotonic", lambda: now[0])

    for _ in range(50):
        assert cache.get("x", "default") == "default"
        cache.set("x", 1)
        assert cache.add("y", 1) is False
        assert cache.get_many(["x", "y"]) == {}
    assert len(connects) == 1
    now[0] += 29
    cache.get("x")
    assert len(connects) == 1
    now[0] += 2  # the interval is over: one request tries again
    cache.get("x")
    cache.get("x")
    assert len(connects) == 2
    with pytest.raises(cache_backend.CacheUnavailable):
        cache.incr("counter")
    assert not cache.available()
    breaker.reset()
