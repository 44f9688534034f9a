"""Throttling where guessing pays: per client and per target, 429 with a Vietnamese page, counted
in Redis when it answers and in the database otherwise (the embedded default, a Redis outage)."""

import pytest
from django.test import Client
from django.urls import reverse

from core import throttle
from core.models import ThrottleCount
from feeds.services import partner_create
from onboarding import accounts
from tests.factories.orders import OrderFactory
from tests.factories.producers import OfficerFactory
from tests.test_redis_down import redis_down  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db

LOOKUP = reverse("orders:lookup")
LOGIN = reverse("onboarding:login")
REGISTER = reverse("onboarding:register")


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address, raise_request_exception=False)


def assert_throttled(response):
    assert response.status_code == 429
    assert "Quá nhiều lần thử" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_order_lookup_stops_guesses_at_one_order_number_from_many_addresses():
    order = OrderFactory(buyer_phone="+84987654321")
    for i in range(throttle.ORDER_LOOKUP_BY_NUMBER.count):
        response = from_address(f"10.0.0.{i}").post(LOOKUP, {"number": order.number, "phone": f"09123456{i:02d}"})
        assert response.status_code == 200
    # Even the right phone number now waits: the guesses came first.
    assert_throttled(from_address("10.0.1.1").post(LOOKUP, {"number": order.number, "phone": "0987 654 321"}))


def test_order_lookup_stops_walking_the_numbers_of_one_phone():
    for i in range(throttle.ORDER_LOOKUP_BY_PHONE.count):
        response = from_address(f"10.0.0.{i}").post(LOOKUP, {"number": f"OCOP-2026-{i:06d}", "phone": "0987654321"})
        assert response.status_code == 200
    assert_throttled(from_address("10.0.2.1").post(LOOKUP, {"number": "OCOP-2026-000999", "phone": "0987 654 321"}))


def test_order_lookup_limits_one_client_whatever_it_tries():
    client = from_address("10.0.0.7")
    for i in range(throttle.ORDER_LOOKUP_BY_CLIENT.count):
        response = client.post(LOOKUP, {"number": f"OCOP-2026-{i:06d}", "phone": f"09123{i:05d}"})
        assert response.status_code == 200
    assert_throttled(client.post(LOOKUP, {"number": "OCOP-2026-000999", "phone": "0912000999"}))
    # Another client is not affected, and the buyer finds their order.
    order = OrderFactory(buyer_phone="+84987654321")
    response = from_address("10.0.0.8").post(LOOKUP, {"number": order.number, "phone": "0987654321"})
    assert response.status_code == 302


def test_a_buyer_who_finds_their_order_is_not_counted_as_guessing():
    order = OrderFactory(buyer_phone="+84987654321")
    for _ in range(throttle.ORDER_LOOKUP_BY_NUMBER.count + 2):
        response = from_address("10.0.0.9").post(LOOKUP, {"number": order.number, "phone": "0987654321"})
        assert response.status_code == 302


def test_login_by_phone_is_limited_per_phone_number_across_addresses():
    accounts.register_household(full_name="Nguyễn Văn An", phone="0912345678", password="mat-khau-dai-123")
    for i in range(throttle.LOGIN_BY_PHONE.count):
        response = from_address(f"10.1.0.{i}").post(LOGIN, {"username": "0912 345 678", "password": f"sai-{i}"})
        assert response.status_code == 200  # the form again, with its error
    assert_throttled(from_address("10.1.1.1").post(LOGIN, {"username": "+84912345678", "password": "sai"}))


def test_login_is_limited_per_client():
    client = from_address("10.1.0.50")
    for i in range(throttle.LOGIN_BY_CLIENT.count):
        client.post(LOGIN, {"username": f"09123450{i:02d}", "password": "sai"})
    assert_throttled(client.post(LOGIN, {"username": "0912345099", "password": "sai"}))


def test_registration_is_limited_per_phone_and_per_client():
    for i in range(throttle.REGISTER_BY_PHONE.count):
        from_address(f"10.2.0.{i}").post(REGISTER, {"full_name": "A", "phone": "0912 345 678", "password1": "x"})
    assert_throttled(from_address("10.2.1.1").post(REGISTER, {"full_name": "A", "phone": "0912345678"}))
    client = from_address("10.2.0.99")
    for i in range(throttle.REGISTER_BY_CLIENT.count):
        client.post(REGISTER, {"full_name": "A", "phone": f"09870000{i:02d}"})
    assert_throttled(client.post(REGISTER, {"full_name": "A", "phone": "0987000099"}))


def test_set_password_page_is_limited_per_token_and_per_client():
    officer = OfficerFactory().user
    _user, url = accounts.create_household_account(full_name="Lê Văn Tư", phone="0987 654 321", created_by=officer)
    for i in range(throttle.SET_PASSWORD_BY_TOKEN.count):
        assert from_address(f"10.3.0.{i}").get(url).status_code == 200
    assert_throttled(from_address("10.3.1.1").get(url))
    client = from_address("10.3.0.99")
    for i in range(throttle.SET_PASSWORD_BY_CLIENT.count):
        client.get(reverse("onboarding:set-password", kwargs={"token": f"MQ-sai-{i}"}))
    assert_throttled(client.get(reverse("onboarding:set-password", kwargs={"token": "MQ-sai-x"})))


def test_wrong_feed_tokens_are_limited_per_client_and_the_partner_still_pulls(monkeypatch):
    _partner, token = partner_create(name="Postmart", slug="postmart", formats=("json",))
    url = "/feeds/postmart/products.json"
    guesser = from_address("10.4.0.1")
    for i in range(throttle.FEED_TOKEN_BY_CLIENT.count):
        assert guesser.get(url, HTTP_AUTHORIZATION=f"Bearer sai-{i}").status_code == 401
    assert_throttled(guesser.get(url, HTTP_AUTHORIZATION="Bearer sai"))
    # Guesses from many addresses at one partner: the guessers wait, the partner's token passes.
    monkeypatch.setattr(throttle, "FEED_TOKEN_BY_PARTNER", throttle.Limit("feed-partner", 3, 900))
    for i in range(3):
        from_address(f"10.4.1.{i}").get(url, HTTP_AUTHORIZATION="Bearer sai")
    assert_throttled(from_address("10.4.2.1").get(url, HTTP_AUTHORIZATION="Bearer sai"))
    assert from_address("10.4.2.2").get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_counts_are_kept_in_the_database_on_the_embedded_default(settings):
    # A local-memory cache is one per process: the counts go to the database, shared by all.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    throttle.hit((throttle.ORDER_LOOKUP_BY_PHONE, "+84987654321"))
    throttle.hit((throttle.ORDER_LOOKUP_BY_PHONE, "+84987654321"))
    assert throttle.count(throttle.ORDER_LOOKUP_BY_PHONE, "+84987654321") == 2
    row = ThrottleCount.objects.get()
    assert row.count == 2
    assert "987654321" not in row.key  # hashed


def test_limits_hold_with_redis_down(redis_down):  # noqa: F811
    order = OrderFactory(buyer_phone="+84987654321")
    for i in range(throttle.ORDER_LOOKUP_BY_NUMBER.count):
        assert (
            from_address(f"10.5.0.{i}").post(LOOKUP, {"number": order.number, "phone": "0912345678"}).status_code == 200
        )
    assert_throttled(from_address("10.5.1.1").post(LOOKUP, {"number": order.number, "phone": "0987654321"}))
    assert ThrottleCount.objects.exists()  # counted in the database meanwhile
