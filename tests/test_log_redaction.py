"""No private link, token or e-mail address reaches a log line, at any level."""

import io
import logging

import pytest

from core.log_redaction import RedactingFilter, mask_recipient, redact
from core.notify import Message, send_now

ORDER_TOKEN = "Zq8sN3x-private-order-token"
FEED_TOKEN = "feed-token-5b7f0e2c9a"
EMAIL = "nguoi.mua+don@example.vn"


@pytest.mark.parametrize(
    "text",
    [
        f"GET /don-hang/{ORDER_TOKEN}/ 200",
        f"GET /en/don-hang/{ORDER_TOKEN}/chuyen-khoan/ 200",
        f"Link: https://ocop.example.vn/dat-mat-khau/{ORDER_TOKEN}/",
        f"GET /feeds/postmart/google.xml?since=2025-01-01&token={FEED_TOKEN} 401",
        f"headers={{'Authorization': 'Bearer {FEED_TOKEN}'}}",
        f"sent to {EMAIL} at once",
    ],
)
def test_private_links_tokens_and_addresses_are_redacted(text):
    cleaned = redact(text)
    for secret in (ORDER_TOKEN, FEED_TOKEN, EMAIL, "nguoi.mua"):
        assert secret not in cleaned
    assert "[redacted]" in cleaned or "[email]" in cleaned


def test_ordinary_lines_are_left_alone():
    for text in ("GET /tra-cuu-don-hang/ 200", "GET /products/?q=banh+pia&page=2 200", "status=500 duration_ms=12"):
        assert redact(text) == text
    assert mask_recipient("+84987654321") == "…321" and mask_recipient(EMAIL) == "[email]"


@pytest.fixture
def console():
    """What the configured console handler (settings.LOGGING) writes."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RedactingFilter) for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    levels = {name: logging.getLogger(name).level for name in ("", "ocop_market.request", "django.server", "x")}
    logging.getLogger().setLevel(logging.DEBUG)
    logging.getLogger("ocop_market.request").setLevel(logging.INFO)
    yield stream
    handler.setStream(previous)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_every_level_and_every_logger_goes_through_the_filter(console):
    for name in ("ocop_market", "orders.services", "django.request", "django.server", "celery"):
        logger = logging.getLogger(name)
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
            logger.log(level, "opened /don-hang/%s/ for %s with ?token=%s", ORDER_TOKEN, EMAIL, FEED_TOKEN)
    try:
        raise ValueError(f"bad link /don-hang/{ORDER_TOKEN}/ for {EMAIL}")
    except ValueError:
        logging.getLogger("orders").exception("failed")
    output = console.getvalue()
    assert output.count("[redacted]") >= 20 and "Traceback" in output
    for secret in (ORDER_TOKEN, FEED_TOKEN, EMAIL):
        assert secret not in output


def test_the_console_sender_logs_only_that_a_message_was_sent(console, settings):
    settings.NOTIFY_SENDER = "console"
    body = f"Xem đơn hàng: https://ocop.example.vn/don-hang/{ORDER_TOKEN}/ — mã 482913"
    assert send_now(Message(subject="Đơn hàng DH-000123", body=body, email=EMAIL))
    assert send_now(Message(subject="Mã xác nhận", body="Mã của bạn: 482913", phone="+84987654321"))
    output = console.getvalue()
    assert "notification sent channel=email to=[email]" in output
    assert "notification sent channel=sms to=…321" in output
    for secret in (ORDER_TOKEN, EMAIL, "482913", "DH-000123", "0987654321", "84987654321"):
        assert secret not in output


@pytest.mark.django_db
def test_request_lines_of_private_pages_and_feeds_are_redacted(client, console):
    client.get(f"/don-hang/{ORDER_TOKEN}/")
    client.get(f"/feeds/postmart/google.xml?token={FEED_TOKEN}")
    client.get(f"/dat-mat-khau/{ORDER_TOKEN}/")
    output = console.getvalue()
    assert "/don-hang/[redacted]/" in output  # the request line is there, without the token
    for secret in (ORDER_TOKEN, FEED_TOKEN):
        assert secret not in output
