"""Paying by card against real localstripe: success, decline, retry, our own idempotency,
refresh from the provider, cancel, and the pay-card page; and when no provider answers."""

import pytest
from django.db import connection
from django.urls import reverse

from orders import payments
from orders.models import Order, Payment
from orders.stripe import StripeClient
from tests.orders.localstripe import localstripe, localstripe_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_order(placed_order):
    return placed_order("card")


def test_the_test_visa_card_pays_the_order(localstripe, card_order, notify_outbox):  # noqa: F811
    payment = payments.start_card_payment(card_order, "success")
    assert payment.status == Payment.Status.SUCCEEDED and payment.amount == card_order.total
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.PAID
    assert {g.status for g in card_order.groups.all()} == {"paid"}
    (intent,) = localstripe.payment_intents()
    assert intent["id"] == payment.provider_id and intent["status"] == "succeeded"
    # VND is zero-decimal: the amount is the number of đồng, as is.
    assert (intent["amount"], intent["currency"]) == (card_order.total, "vnd")
    assert intent["metadata"]["order"] == card_order.number


def test_the_declined_card_fails_with_a_clear_message_and_a_retry_pays(localstripe, card_order):  # noqa: F811
    failed = payments.start_card_payment(card_order, "declined")
    assert failed.status == Payment.Status.FAILED
    assert "từ chối" in failed.failure_message  # Vietnamese by default: "thẻ bị từ chối"
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.FAILED and card_order.is_payable
    assert {g.status for g in card_order.groups.all()} == {"pending_payment"}

    paid = payments.start_card_payment(card_order, "success")
    assert paid.pk != failed.pk and paid.status == Payment.Status.SUCCEEDED
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.PAID
    assert len(localstripe.payment_intents()) == 2


def test_the_same_payment_never_creates_a_second_intent(localstripe, card_order):  # noqa: F811
    # The first try created the intent, then the connection dropped before the confirm.
    payment = payments.pending_card_payment(card_order)
    payments._ensure_intent(StripeClient(), payment)
    assert payments.pending_card_payment(card_order).pk == payment.pk
    payments._ensure_intent(StripeClient(), payment)
    assert len(localstripe.payment_intents()) == 1
    # The buyer presses "Pay" again: the same intent is confirmed, not a new one.
    again = payments.start_card_payment(card_order, "success")
    assert again.pk == payment.pk and again.status == Payment.Status.SUCCEEDED
    assert [i["id"] for i in localstripe.payment_intents()] == [payment.provider_id]
    # And once paid, paying again is refused, with nothing sent to the provider.
    with pytest.raises(payments.PaymentError):
        payments.start_card_payment(card_order, "success")
    assert len(localstripe.payment_intents()) == 1


def test_refresh_from_provider_records_a_payment_confirmed_elsewhere(localstripe, card_order):  # noqa: F811
    payment = payments.pending_card_payment(card_order)
    intent = payments._ensure_intent(StripeClient(), payment)
    client = StripeClient()
    client.update_payment_intent(intent["id"], payment_method="pm_card_visa")
    client.confirm_payment_intent(intent["id"])
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING  # nothing told the site yet
    assert payments.refresh_from_provider(payment).status == Payment.Status.SUCCEEDED
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.PAID


def test_a_cancelled_intent_cancels_the_pending_payment(localstripe, card_order):  # noqa: F811
    payment = payments.pending_card_payment(card_order)
    intent = payments._ensure_intent(StripeClient(), payment)
    StripeClient().cancel_payment_intent(intent["id"])
    assert payments.refresh_from_provider(payment).status == Payment.Status.CANCELLED
    card_order.refresh_from_db()
    assert card_order.payment_status != Order.PaymentStatus.PAID


def test_an_order_that_cannot_be_paid_is_refused_before_calling_the_provider(localstripe, card_order):  # noqa: F811
    from orders.services import cancel_order

    cancel_order(card_order, reason="Khách đổi ý")
    with pytest.raises(payments.PaymentError):
        payments.start_card_payment(card_order, "success")
    with pytest.raises(payments.PaymentError):
        payments.start_card_payment(card_order, "no-such-card")
    assert localstripe.payment_intents() == []


def test_no_provider_answering_means_no_card_payments(settings, card_order):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert payments.card_payments_available() is False
    with pytest.raises(payments.PaymentError) as info:
        payments.start_card_payment(card_order, "success")
    assert "VietQR" in info.value.message or "chuyển khoản" in info.value.message
    assert not card_order.payments.exists()


def test_availability_is_cached_briefly(localstripe, settings, django_assert_max_num_queries):  # noqa: F811
    assert payments.card_payments_available() is True
    localstripe_url = settings.STRIPE_API_BASE
    # The answer is kept: a second call does not probe again (same base URL).
    localstripe.session.close()
    assert payments.card_payments_available() is True
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    assert payments.card_payments_available() is False
    settings.STRIPE_API_BASE = localstripe_url


# -- the page --


def test_pay_card_page_offers_the_test_cards(client, localstripe, card_order):  # noqa: F811
    url = reverse("orders:pay-card", kwargs={"token": card_order.access_token})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="success"' in html and 'value="declined"' in html and card_order.number in html
    assert "csrfmiddlewaretoken" in html


def test_paying_on_the_page_shows_the_paid_order(client, localstripe, card_order):  # noqa: F811
    url = reverse("orders:pay-card", kwargs={"token": card_order.access_token})
    response = client.post(url, {"card": "success"})
    assert response.status_code == 302 and response["Location"] == card_order.get_absolute_url()
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.PAID
    # Paid: the card page sends the buyer to the order page.
    assert client.get(url).status_code == 302


def test_a_declined_card_on_the_page_shows_the_message(client, localstripe, card_order):  # noqa: F811
    url = reverse("orders:pay-card", kwargs={"token": card_order.access_token})
    response = client.post(url, {"card": "declined"}, follow=True)
    assert response.status_code == 200
    assert "từ chối" in response.content.decode()
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.FAILED


def test_the_page_says_so_when_card_payments_are_down(client, settings, card_order):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    url = reverse("orders:pay-card", kwargs={"token": card_order.access_token})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="success"' not in html
    response = client.post(url, {"card": "success"}, follow=True)
    assert response.status_code == 200
    assert not card_order.payments.exists()


def test_bad_input_on_the_page_changes_nothing(client, localstripe, card_order):  # noqa: F811
    url = reverse("orders:pay-card", kwargs={"token": card_order.access_token})
    assert client.post(url, {"card": "pm_card_visa"}).status_code == 200
    assert client.post(url, {}).status_code == 200
    assert not card_order.payments.exists()
    assert client.get(reverse("orders:pay-card", kwargs={"token": "not-a-token"})).status_code == 404


def test_the_order_page_shows_only_what_the_provider_confirmed(client, localstripe, card_order):  # noqa: F811
    # The buyer comes back from "the bank" with a success-looking URL: nothing is paid until confirmed.
    response = client.get(card_order.get_absolute_url() + "?redirect_status=succeeded&payment_intent=pi_fake")
    assert response.status_code == 200
    card_order.refresh_from_db()
    assert card_order.payment_status != Order.PaymentStatus.PAID
    assert reverse("orders:pay-card", kwargs={"token": card_order.access_token}) in response.content.decode()


def test_pay_card_page_query_count(client, localstripe, card_order, django_assert_max_num_queries):  # noqa: F811
    url = reverse("orders:pay-card", kwargs={"token": card_order.access_token})
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL (row locks between real connections); run with DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_creates_one_intent_and_pays_once(localstripe, placed_order):  # noqa: F811
    """Two requests pay the same order at the same moment: one PaymentIntent, one payment."""
    import threading

    order = placed_order("card")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def pay():
        try:
            barrier.wait(timeout=10)
            results.append(payments.start_card_payment(Order.objects.get(pk=order.pk), "success"))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # The loser either confirms the same payment or is told the order is already paid.
    assert all(isinstance(e, payments.PaymentError) for e in errors), errors
    assert len(localstripe.payment_intents()) == 1
    assert Payment.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID


# -- one attempt per order, honest messages on a lost answer --


def test_attempts_have_idempotency_keys_from_the_order_and_the_attempt(localstripe, card_order):  # noqa: F811
    failed = payments.start_card_payment(card_order, "declined")
    paid = payments.start_card_payment(card_order, "success")
    keys = (failed.idempotency_key, paid.idempotency_key)
    assert keys == (f"{card_order.number}-card-1", f"{card_order.number}-card-2")


def test_a_paid_order_never_gets_a_second_attempt_or_intent(localstripe, card_order):  # noqa: F811
    payments.start_card_payment(card_order, "success")
    with pytest.raises(payments.PaymentError):
        payments.open_card_attempt(card_order)
    with pytest.raises(payments.PaymentError):
        payments.pending_card_payment(card_order)
    assert card_order.payments.count() == 1 and len(localstripe.payment_intents()) == 1


def _lose_the_confirm_answer(monkeypatch):
    """The provider confirms (the card is charged) but its answer never reaches the site."""
    from orders.stripe import StripeConnectionError

    real_confirm = StripeClient.confirm_payment_intent

    def confirm(self, intent_id):
        real_confirm(self, intent_id)
        raise StripeConnectionError("POST confirm: ReadTimeout")

    monkeypatch.setattr(StripeClient, "confirm_payment_intent", confirm)


def test_a_lost_answer_says_the_payment_is_being_checked_not_that_nothing_was_charged(
    client,
    localstripe,  # noqa: F811
    card_order,
    monkeypatch,
):
    _lose_the_confirm_answer(monkeypatch)
    monkeypatch.setattr(StripeClient, "retrieve_payment_intent", _unreachable_after_first_call())
    url = reverse("orders:pay-card", kwargs={"token": card_order.access_token})
    response = client.post(url, {"card": "success"}, follow=True)
    html = response.content.decode()
    assert "đang kiểm tra" in html  # "we are checking your payment"
    assert "không bị trừ" not in html and "chưa bị trừ" not in html  # never "your card was not charged"
    assert 'value="success"' not in html  # no second payment offered meanwhile
    payment = card_order.payments.get()
    assert payment.status == Payment.Status.PENDING and payment.outcome_unknown_since is not None


def _unreachable_after_first_call():
    """The first retrieve (before confirming) answers; every later one times out."""
    from orders.stripe import StripeConnectionError

    real = StripeClient.retrieve_payment_intent
    calls = []

    def retrieve(self, intent_id):
        calls.append(intent_id)
        if len(calls) > 1:
            raise StripeConnectionError("GET: ConnectTimeout")
        return real(self, intent_id)

    return retrieve


def test_a_lost_answer_is_settled_by_the_next_retrieve(client, localstripe, card_order, monkeypatch):  # noqa: F811
    _lose_the_confirm_answer(monkeypatch)
    with pytest.raises(payments.PaymentError) as info:
        payments.start_card_payment(card_order, "success")
    assert "trừ tiền" in info.value.message  # "may have been charged", not "was not charged"
    monkeypatch.undo()
    # The buyer reloads the page: the site asks the provider, which says the card was charged.
    response = client.get(reverse("orders:pay-card", kwargs={"token": card_order.access_token}))
    assert response.status_code == 302 and response["Location"] == card_order.get_absolute_url()
    payment = card_order.payments.get()
    assert payment.status == Payment.Status.SUCCEEDED and payment.outcome_unknown_since is None
    assert len(localstripe.payment_intents()) == 1


def test_test_cards_need_a_test_key(client, localstripe, settings, card_order):  # noqa: F811
    settings.STRIPE_SECRET_KEY = "sk_live_not_a_test_key"
    with pytest.raises(payments.PaymentError):
        payments.start_card_payment(card_order, "success")
    html = client.get(reverse("orders:pay-card", kwargs={"token": card_order.access_token})).content.decode()
    assert 'value="success"' not in html and 'value="declined"' not in html
    assert localstripe.payment_intents() == []
