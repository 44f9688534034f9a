"""The payment provider's webhook: ``POST /payments/stripe/webhook``.

Trust comes only from the ``Stripe-Signature`` header: ``t=<unix time>,v1=<hex>`` where
``v1 = HMAC-SHA256(STRIPE_WEBHOOK_SECRET, "<t>.<raw body>")``. Anything else (no or bad
signature, a timestamp more than five minutes away, a body that is not an event) is
answered 400 and changes nothing. Each event is handled once: its id is stored in
``WebhookEvent`` in the same transaction as its effects, so a replay changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import payments
from .models import WebhookEvent
from .payments import RetryLater

logger = logging.getLogger(__name__)

TOLERANCE_SECONDS = 300
HANDLED_TYPES = ("payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded")


class SignatureError(Exception):
    pass


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The header value a provider would send (used by the tests and the demo tooling)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    payload: bytes, header: str | None, secret: str, *, tolerance: int = TOLERANCE_SECONDS, now: float | None = None
) -> int:
    """Return the signed timestamp, or raise :class:`SignatureError`."""
    if not secret:
        raise SignatureError("no webhook secret is configured")
    if not header:
        raise SignatureError("no Stripe-Signature header")
    timestamp = None
    signatures = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError as exc:
                raise SignatureError("bad timestamp") from exc
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("no timestamp or no v1 signature")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    # Compare with every v1 (a provider sends several while rotating secrets), in constant time.
    if not any(hmac.compare_digest(expected.encode(), sig.encode()) for sig in signatures):
        raise SignatureError("signature mismatch")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    return timestamp


@csrf_exempt  # the provider cannot send a CSRF token; the signature authenticates instead
@never_cache
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    payload = request.body
    try:
        verify_signature(payload, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET)
    except SignatureError as exc:
        logger.warning("stripe webhook rejected: %s", exc)
        return HttpResponseBadRequest("invalid signature", content_type="text/plain")
    try:
        event = json.loads(payload)
        event_id = event["id"]
        event_type = event["type"]
        obj = event["data"]["object"]
        if not (isinstance(event_id, str) and event_id and isinstance(event_type, str) and isinstance(obj, dict)):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("not an event", content_type="text/plain")

    try:
        with transaction.atomic():
            _, created = WebhookEvent.objects.get_or_create(
                event_id=event_id[:255], defaults={"type": event_type[:100], "payload": event}
            )
            if not created:
                return HttpResponse("already handled", content_type="text/plain")
            handle_event(event_type, obj)
    except IntegrityError:
        # The same event arrived twice at once; the other delivery handled it.
        return HttpResponse("already handled", content_type="text/plain")
    except RetryLater as exc:
        # Nothing was recorded (the transaction rolled back): the provider sends the event again.
        logger.warning("stripe webhook %s deferred: %s", event_id, exc)
        return HttpResponse("try again later", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def handle_event(event_type: str, obj: dict[str, Any]) -> None:
    """Apply one verified event (inside the transaction that records it)."""

    if event_type in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        payments.apply_payment_intent(obj)
    elif event_type == "charge.refunded":
        payments.apply_charge_refunded(obj)
    else:
        logger.info("stripe webhook: %s ignored", event_type)
