"""The Stripe-compatible client: encoding, idempotency keys, retries, errors; against real localstripe."""

import pytest
import requests

from orders.stripe import StripeClient, StripeConnectionError, StripeError, encode_params, message_for_code
from tests.orders.localstripe import SECRET_KEY, localstripe, localstripe_server  # noqa: F401


class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self._body = body

    def json(self):
        if isinstance(self._body, Exception):
            raise self._body
        return self._body


class FakeSession:
    """Plays back a list of answers (a FakeResponse or an exception) and records each request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def _answer(self, **call):
        self.calls.append(call)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def request(self, method, url, data=None, headers=None, timeout=None):
        return self._answer(method=method, url=url, data=data, headers=headers, timeout=timeout)

    def get(self, url, params=None, headers=None, timeout=None):
        return self._answer(method="GET", url=url, data=params, headers=headers, timeout=timeout)


def fake_client(*answers, retries=2):
    delays = []
    session = FakeSession(*answers)
    client = StripeClient(
        api_base="http://stripe.test",
        secret_key="sk_test_x",
        timeout=(1, 2),
        retries=retries,
        session=session,
        sleep=delays.append,
    )
    return client, session, delays


INTENT = {"id": "pi_1", "object": "payment_intent", "status": "requires_payment_method", "amount": 150000}


def test_nested_params_are_form_encoded_like_stripe():
    assert encode_params(
        {"amount": 150000, "metadata": {"order": "OCOP-2026-000001", "x": None}, "expand": ["a", "b"], "confirm": True}
    ) == [
        ("amount", "150000"),
        ("metadata[order]", "OCOP-2026-000001"),
        ("expand[0]", "a"),
        ("expand[1]", "b"),
        ("confirm", "true"),
    ]
    assert encode_params({"items": [{"price": "p1", "quantity": 2}]}) == [
        ("items[0][price]", "p1"),
        ("items[0][quantity]", "2"),
    ]


def test_create_sends_the_idempotency_key_the_secret_key_and_the_amount_in_dong():
    client, session, _ = fake_client(FakeResponse(200, INTENT))
    client.create_payment_intent(amount=150000, idempotency_key="key-1", metadata={"order": "OCOP-1"})
    call = session.calls[0]
    assert call["method"] == "POST" and call["url"] == "http://stripe.test/v1/payment_intents"
    assert call["headers"]["Idempotency-Key"] == "key-1"
    assert call["headers"]["Authorization"] == "Bearer sk_test_x"
    assert ("amount", "150000") in call["data"] and ("currency", "vnd") in call["data"]
    assert ("metadata[order]", "OCOP-1") in call["data"]
    assert call["timeout"] == (1, 2)


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_amount_must_be_a_positive_whole_number_of_dong(amount):
    client, session, _ = fake_client()
    with pytest.raises(ValueError):
        client.create_payment_intent(amount=amount, idempotency_key="k")
    assert session.calls == []


def test_connection_errors_and_5xx_are_retried_with_backoff_then_succeed():
    client, session, delays = fake_client(
        requests.ConnectionError("refused"),
        FakeResponse(503, {"error": {"message": "busy"}}),
        FakeResponse(200, INTENT),
    )
    assert client.create_payment_intent(amount=1000, idempotency_key="same")["id"] == "pi_1"
    assert len(session.calls) == 3
    # The same key on every try: the provider applies the create once.
    assert {c["headers"]["Idempotency-Key"] for c in session.calls} == {"same"}
    assert delays == [0.25, 0.5]


def test_retries_stop_after_stripe_retries_and_raise_a_connection_error():
    client, session, delays = fake_client(
        requests.Timeout("slow"), requests.Timeout("slow"), requests.Timeout("slow"), retries=2
    )
    with pytest.raises(StripeConnectionError) as info:
        client.retrieve_payment_intent("pi_1")
    assert len(session.calls) == 3 and len(delays) == 2
    assert "chưa thanh toán bằng thẻ được" in info.value.user_message  # "card payments are not available"


def test_a_4xx_is_never_retried():
    client, session, delays = fake_client(
        FakeResponse(
            402, {"error": {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}}
        )
    )
    with pytest.raises(StripeError) as info:
        client.confirm_payment_intent("pi_1")
    assert len(session.calls) == 1 and delays == []
    assert info.value.code == "card_declined" and info.value.status == 402


def test_a_5xx_after_the_last_retry_is_an_error():
    client, session, _ = fake_client(FakeResponse(500, ValueError("not json")), retries=0)
    with pytest.raises(StripeError) as info:
        client.retrieve_payment_intent("pi_1")
    assert info.value.status == 500


def test_errors_map_to_messages_a_buyer_understands(settings):
    from django.utils import translation

    declined = StripeError("x", status=402, code="card_declined")
    funds = StripeError("x", status=402, code="card_declined", decline_code="insufficient_funds")
    down = StripeConnectionError("x")
    with translation.override("en"):
        assert "declined" in declined.user_message and "No money was taken" in declined.user_message
        assert "insufficient funds" in funds.user_message
        assert "not available right now" in down.user_message
        assert "expired" in message_for_code("expired_card")
    with translation.override("vi"):
        assert "từ chối" in declined.user_message


def test_no_secret_key_means_not_configured_and_no_request():
    session = FakeSession()
    client = StripeClient(api_base="http://stripe.test", secret_key="", session=session)
    assert client.ping() is False
    with pytest.raises(StripeConnectionError):
        client.retrieve_payment_intent("pi_1")
    assert session.calls == []


# Against the real localstripe -------------------------------------------------------------


def test_create_update_confirm_succeeds_on_localstripe(localstripe):  # noqa: F811
    client = StripeClient()
    intent = client.create_payment_intent(amount=215000, idempotency_key="k1", metadata={"order": "OCOP-2026-000001"})
    assert intent["status"] == "requires_payment_method" and intent["currency"] == "vnd"
    assert intent["amount"] == 215000 and intent["metadata"] == {"order": "OCOP-2026-000001"}
    intent = client.update_payment_intent(intent["id"], payment_method="pm_card_visa")
    assert intent["status"] == "requires_confirmation"
    intent = client.confirm_payment_intent(intent["id"])
    assert intent["status"] == "succeeded"
    assert client.retrieve_payment_intent(intent["id"])["status"] == "succeeded"


def test_declined_card_on_localstripe_raises_card_declined(localstripe):  # noqa: F811
    client = StripeClient()
    intent = client.create_payment_intent(amount=50000, idempotency_key="k2")
    client.update_payment_intent(intent["id"], payment_method="pm_card_chargeCustomerFail")
    with pytest.raises(StripeError) as info:
        client.confirm_payment_intent(intent["id"])
    assert info.value.status == 402 and info.value.code == "card_declined"
    after = client.retrieve_payment_intent(intent["id"])
    assert after["status"] == "requires_payment_method"
    assert after["last_payment_error"]["code"] == "card_declined"


def test_cancel_and_refund_on_localstripe(localstripe):  # noqa: F811
    client = StripeClient()
    cancelled = client.create_payment_intent(amount=50000, idempotency_key="k3")
    assert client.cancel_payment_intent(cancelled["id"])["status"] == "canceled"

    paid = client.create_payment_intent(amount=90000, idempotency_key="k4")
    client.update_payment_intent(paid["id"], payment_method="pm_card_visa")
    client.confirm_payment_intent(paid["id"])
    refund = client.create_refund(payment_intent=paid["id"], amount=30000, idempotency_key="r1")
    assert refund["status"] == "succeeded" and refund["amount"] == 30000 and refund["id"].startswith("re_")
    charge = client.retrieve_payment_intent(paid["id"])["latest_charge"]
    assert charge["amount_refunded"] == 30000


def test_unknown_parameters_are_rejected_as_a_400_not_retried(localstripe):  # noqa: F811
    client = StripeClient()
    with pytest.raises(StripeError) as info:
        client.request("POST", "/v1/payment_intents", {"amount": 1000, "currency": "vnd", "description": "x"})
    assert info.value.status == 400


def test_ping_answers_true_on_localstripe_and_false_on_a_closed_port(localstripe):  # noqa: F811
    assert StripeClient().ping() is True
    assert StripeClient(api_base="http://127.0.0.1:9", retries=0).ping() is False
    assert StripeClient(secret_key="pk_test_wrong").ping() is False
