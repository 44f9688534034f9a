"""POST /payments/stripe/webhook: signature checks, the three events, replays; a real delivery."""

import json
import time

import pytest
from django.test import Client

from orders import payments
from orders.models import LedgerEntry, Order, Payment, Refund, WebhookEvent
from orders.webhooks import SignatureError, sign, verify_signature
from tests.factories.orders import OrderFactory, PaymentFactory
from tests.orders.localstripe import WEBHOOK_SECRET, localstripe, localstripe_server  # noqa: F401

URL = "/payments/stripe/webhook"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def card_payment(provider_id="pi_test_1", **kwargs):
    order = OrderFactory(payment_method="card", payment_status="unpaid", **kwargs)
    return PaymentFactory(order=order, method="card", provider_id=provider_id)


def intent_event(payment, event_type="payment_intent.succeeded", event_id="evt_1", **changes):
    obj = {
        "id": payment.provider_id,
        "object": "payment_intent",
        "amount": payment.amount,
        "currency": "vnd",
        "status": "succeeded" if event_type.endswith("succeeded") else "requires_payment_method",
        "metadata": {"order": payment.order.number},
        "last_payment_error": None
        if event_type.endswith("succeeded")
        else {"code": "card_declined", "message": "Your card was declined."},
    }
    obj.update(changes)
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}}


def post(client, event, *, secret=WEBHOOK_SECRET, timestamp=None, body=None, header=None):
    payload = json.dumps(event).encode()
    signature = header if header is not None else sign(payload, secret, timestamp)
    return client.post(
        URL,
        data=body if body is not None else payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


# -- the signature, on its own --


def test_verify_signature_accepts_the_providers_format_and_rejects_the_rest():
    payload = b'{"id":"evt_1"}'
    now = 1_800_000_000
    header = sign(payload, "whsec_a", now)
    assert verify_signature(payload, header, "whsec_a", now=now + 299) == now
    # Several v1 signatures (secret rotation): any one matching is enough.
    assert verify_signature(payload, f"t={now},v1=00ff,v1={header.split('v1=')[1]}", "whsec_a", now=now)
    for bad_header, secret, at in [
        (header, "whsec_b", now),  # wrong secret
        (header, "whsec_a", now + 301),  # too old
        (header, "whsec_a", now - 301),  # from the future
        ("", "whsec_a", now),
        (f"t={now}", "whsec_a", now),
        ("v1=abc", "whsec_a", now),
        (f"t=soon,v1={header.split('v1=')[1]}", "whsec_a", now),
        (header, "", now),  # no secret configured: nothing is trusted
    ]:
        with pytest.raises(SignatureError):
            verify_signature(payload, bad_header, secret, now=at)
    with pytest.raises(SignatureError):
        verify_signature(payload + b" ", header, "whsec_a", now=now)


# -- the endpoint --


def test_a_signed_succeeded_event_marks_the_order_paid_without_a_csrf_token(notify_outbox):
    payment = card_payment()
    client = Client(enforce_csrf_checks=True)
    response = post(client, intent_event(payment))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Order.objects.get(pk=payment.order_id).payment_status == Order.PaymentStatus.PAID
    assert WebhookEvent.objects.filter(event_id="evt_1", type="payment_intent.succeeded").exists()


def test_the_same_event_twice_changes_nothing_the_second_time(client, notify_outbox):
    payment = card_payment()
    event = intent_event(payment)
    assert post(client, event).status_code == 200
    ledger = list(LedgerEntry.objects.values_list("pk", "amount"))
    messages = len(notify_outbox)
    paid_at = Order.objects.get(pk=payment.order_id).paid_at
    again = post(client, event)
    assert again.status_code == 200 and b"already" in again.content
    assert list(LedgerEntry.objects.values_list("pk", "amount")) == ledger
    assert len(notify_outbox) == messages
    assert Order.objects.get(pk=payment.order_id).paid_at == paid_at
    assert WebhookEvent.objects.count() == 1


@pytest.mark.parametrize(
    "how",
    ["wrong_secret", "stale", "tampered", "missing", "garbage_header"],
)
def test_anything_not_signed_right_is_a_400_and_changes_nothing(client, how):
    payment = card_payment()
    event = intent_event(payment)
    if how == "wrong_secret":
        response = post(client, event, secret="whsec_someone_else")
    elif how == "stale":
        response = post(client, event, timestamp=int(time.time()) - 6 * 60)
    elif how == "tampered":
        signed = json.dumps(event).encode()
        tampered = signed.replace(b'"succeeded"', b'"succeeded" ', 1)
        response = post(client, event, body=tampered, header=sign(signed, WEBHOOK_SECRET))
    elif how == "missing":
        response = client.post(URL, data=json.dumps(event), content_type="application/json")
    else:
        response = post(client, event, header="nonsense")
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not WebhookEvent.objects.exists()


def test_a_signed_body_that_is_not_an_event_is_a_400(client):
    for body in (b"not json", b"[]", b'{"id": "evt_x"}', b'{"id": "evt_x", "type": "x", "data": {"object": 3}}'):
        response = client.post(
            URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, WEBHOOK_SECRET)
        )
        assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


def test_payment_failed_event_records_the_buyers_message():
    payment = card_payment()
    response = post(Client(), intent_event(payment, "payment_intent.payment_failed", event_id="evt_f"))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert "từ chối" in payment.failure_message or "declined" in payment.failure_message
    assert Order.objects.get(pk=payment.order_id).payment_status == Order.PaymentStatus.FAILED


def test_a_late_failure_event_never_undoes_a_payment(client):
    payment = card_payment()
    post(client, intent_event(payment, event_id="evt_ok"))
    post(client, intent_event(payment, "payment_intent.payment_failed", event_id="evt_late"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Order.objects.get(pk=payment.order_id).payment_status == Order.PaymentStatus.PAID


def test_an_amount_that_does_not_match_the_order_is_not_marked_paid(client):
    payment = card_payment()
    response = post(client, intent_event(payment, amount=payment.amount - 1000))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert Order.objects.get(pk=payment.order_id).payment_status != Order.PaymentStatus.PAID


def test_an_event_for_an_unknown_intent_is_acknowledged_and_ignored(client):
    payment = card_payment()
    event = intent_event(payment)
    event["data"]["object"]["id"] = "pi_someone_else"
    assert post(client, event).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_charge_refunded_records_each_refund_once(client):
    payment = card_payment()
    post(client, intent_event(payment, event_id="evt_paid"))
    group = payment.order.groups.first()
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": payment.provider_id,
        "amount": payment.amount,
        "amount_refunded": 40000,
        "refunds": {
            "object": "list",
            "data": [
                {
                    "id": "re_1",
                    "amount": 40000,
                    "status": "succeeded",
                    "metadata": {"group": str(group.pk), "reason": "Hàng dập"},
                }
            ],
        },
    }
    event = {"id": "evt_r1", "type": "charge.refunded", "data": {"object": charge}}
    assert post(client, event).status_code == 200
    # The same refund again, inside a new event (a second partial refund's event lists both).
    event2 = {"id": "evt_r2", "type": "charge.refunded", "data": {"object": charge}}
    assert post(client, event2).status_code == 200
    assert post(client, event).status_code == 200
    refund = Refund.objects.get()
    assert (refund.provider_id, refund.amount, refund.group_id, refund.reason) == ("re_1", 40000, group.pk, "Hàng dập")
    assert Order.objects.get(pk=payment.order_id).payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED


def test_charge_refunded_after_a_refund_made_here_adds_nothing(client, localstripe):  # noqa: F811
    """refund_payment records the refund at once; the provider's event for it is then a no-op."""
    from orders.stripe import StripeClient

    client_api = StripeClient()
    intent = client_api.create_payment_intent(amount=100000, idempotency_key="x")
    client_api.update_payment_intent(intent["id"], payment_method="pm_card_visa")
    client_api.confirm_payment_intent(intent["id"])
    order = OrderFactory(payment_method="card", payment_status="unpaid")
    payment = PaymentFactory(order=order, method="card", provider_id=intent["id"], amount=order.total)
    Payment.objects.filter(pk=payment.pk).update(amount=100000)
    payment.refresh_from_db()
    payments.apply_intent(payment, {**client_api.retrieve_payment_intent(intent["id"]), "amount": 100000})
    payment.refresh_from_db()
    refund = payments.refund_payment(payment, 30000, reason="test")
    charge = client_api.retrieve_payment_intent(intent["id"])["latest_charge"]
    charge.pop("refunds", None)  # newer API versions leave the list out: the handler lists them itself
    assert post(client, {"id": "evt_lr", "type": "charge.refunded", "data": {"object": charge}}).status_code == 200
    assert list(Refund.objects.values_list("provider_id", flat=True)) == [refund.provider_id]


# -- a real delivery: localstripe signs and posts the event to the live server --


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_localstripe_delivers_a_signed_event_to_the_live_site(localstripe, live_server, monkeypatch):  # noqa: F811
    import threading

    from django.db import transaction

    from orders import webhooks
    from orders.stripe import StripeClient

    # Told by the server thread once the event for our intent is handled and committed.
    delivered = threading.Event()
    ours = {}
    handle = webhooks.handle_event

    def spy(event_type, obj):
        handle(event_type, obj)
        if event_type == "payment_intent.succeeded" and obj.get("id") == ours.get("id"):
            transaction.on_commit(delivered.set)

    monkeypatch.setattr(webhooks, "handle_event", spy)
    localstripe.register_webhook(live_server.url + URL, WEBHOOK_SECRET)
    payment = card_payment(provider_id=None)
    client_api = StripeClient()
    intent = client_api.create_payment_intent(amount=payment.amount, idempotency_key=payment.idempotency_key)
    ours["id"] = intent["id"]
    Payment.objects.filter(pk=payment.pk).update(provider_id=intent["id"])
    client_api.update_payment_intent(intent["id"], payment_method="pm_card_visa")
    client_api.confirm_payment_intent(intent["id"])  # not recorded here: only the webhook tells the site
    # localstripe posts the signed event about a second later (events of earlier tests may come too).
    assert delivered.wait(timeout=30), "localstripe's webhook did not arrive"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Order.objects.get(pk=payment.order_id).payment_status == Order.PaymentStatus.PAID
    events = WebhookEvent.objects.filter(type="payment_intent.succeeded")
    assert intent["id"] in [e.payload["data"]["object"]["id"] for e in events]
