"""Every request gets an id, echoed in X-Request-ID, and one key=value log line."""

import logging
import re

import pytest

from ocop_market.middleware import RequestIdFilter, request_id_var

pytestmark = pytest.mark.django_db

LOGGER = "ocop_market.request"


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    return caplog


def lines(caplog):
    return [r for r in caplog.records if r.name == LOGGER]


def test_one_line_per_request_with_the_fields(client, request_log):
    response = client.get("/healthz")

    [record] = lines(request_log)
    message = record.getMessage()
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert f"request_id={request_id}" in message
    assert "method=GET" in message
    assert "path=/healthz" in message
    assert "status=200" in message
    assert re.search(r"duration_ms=\d+(\.\d+)?", message)
    assert "user_id=-" in message
    assert record.status == 200


def test_signed_in_user_is_logged_by_id(client, request_log, django_user_model):
    user = django_user_model.objects.create_user(username="buyer", password="x")
    client.force_login(user)

    client.get("/admin/")

    [record] = lines(request_log)
    assert f"user_id={user.pk}" in record.getMessage()


def test_given_request_id_is_echoed(client, request_log):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc_def"})

    assert response["X-Request-ID"] == "lb-1234.abc_def"
    assert "request_id=lb-1234.abc_def" in lines(request_log)[0].getMessage()


@pytest.mark.parametrize("garbage", ["x" * 65, "a b", "id status=500", "<script>", "ü"])
def test_garbage_request_id_is_replaced(client, request_log, garbage):
    response = client.get("/healthz", headers={"X-Request-ID": garbage})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert garbage not in lines(request_log)[0].getMessage()


def test_values_with_spaces_are_quoted(client, request_log):
    client.get("/no such page/")

    message = lines(request_log)[0].getMessage()
    assert 'path="/no such page/"' in message
    assert "status=404" in message


def test_other_records_carry_the_request_id():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    token = request_id_var.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    assert record.request_id == "abc123"

    outside = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"


def test_errors_logged_during_a_request_carry_its_id(client, monkeypatch):
    from ocop_market import health

    def broken():
        raise RuntimeError("down")

    class Keep(logging.Handler):
        records = []

        def emit(self, record):
            self.records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("ocop_market.health")
    logger.addHandler(handler)
    monkeypatch.setattr(health, "check_database", broken)
    try:
        response = client.get("/healthz", headers={"X-Request-ID": "req-42"})
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 503
    assert [r.request_id for r in handler.records] == ["req-42"]


def test_responses_django_logs_after_the_middleware_carry_the_request_id(rf):
    request = rf.get("/missing/")
    request.request_id = "req-404"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", None, None)
    record.request = request

    RequestIdFilter().filter(record)

    assert record.request_id == "req-404"
    assert record.request_id_field == "request_id=req-404 "
