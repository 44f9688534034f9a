"""The services the payments side calls: mark_paid, mark_failed, record_refund are idempotent."""

import pytest

from orders import services
from orders.models import FulfilmentGroup, LedgerEntry, Order, Payment, Refund
from tests.factories.orders import PaymentFactory

pytestmark = pytest.mark.django_db


def test_mark_paid_twice_changes_nothing_the_second_time(
    placed_order, notify_outbox, django_capture_on_commit_callbacks
):
    order = placed_order("card")
    payment = PaymentFactory(order=order, method="card", provider_id="pi_1")
    notify_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order, payment=payment)
        services.mark_paid(order, payment=payment)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.payment_status == Order.PaymentStatus.PAID and order.paid_at and order.reserved_until is None
    assert set(order.groups.values_list("status", flat=True)) == {FulfilmentGroup.Status.PAID}
    assert LedgerEntry.objects.filter(kind="sale").count() == 2  # one per stall part
    assert len(notify_outbox) == 1


def test_mark_failed_after_success_changes_nothing(placed_order):
    order = placed_order("card")
    payment = PaymentFactory(order=order, method="card")
    services.mark_paid(order, payment=payment)
    services.mark_failed(order, payment=payment, message="late failure")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and order.payment_status == Order.PaymentStatus.PAID


def test_record_refund_is_idempotent_by_provider_id_and_updates_status(placed_order, stall_with_products):
    stall_a, stall_b = stall_with_products[:2]
    order = placed_order("card")
    payment = PaymentFactory(order=order, method="card")
    services.mark_paid(order, payment=payment)
    group_b = order.groups.get(stall=stall_b)
    first = services.record_refund(payment, amount=group_b.total, group=group_b, provider_id="re_1", reason="hỏng")
    again = services.record_refund(payment, amount=group_b.total, group=group_b, provider_id="re_1")
    assert first.pk == again.pk and Refund.objects.count() == 1
    order.refresh_from_db()
    group_b.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED
    assert group_b.status == FulfilmentGroup.Status.REFUNDED
    # Goods and the shipping fee are reversed on their own lines.
    assert LedgerEntry.objects.filter(group=group_b, kind="refund").get().amount == -group_b.subtotal
    assert LedgerEntry.objects.filter(group=group_b, kind="shipping", refund__isnull=False).get().amount == -(
        group_b.shipping_fee
    )
    services.record_refund(payment, amount=payment.amount - group_b.total, provider_id="re_2")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.REFUNDED
    with pytest.raises(services.OrderError):
        services.record_refund(payment, amount=1, provider_id="re_3")


def test_cancelling_a_paid_card_order_starts_the_refund(placed_order, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(
        "orders.payments.send_card_refund",
        lambda refund: calls.append((refund.payment_id, refund.amount, refund.reason)),
    )
    order = placed_order("card")
    payment = PaymentFactory(order=order, method="card", provider_id="pi_2")
    services.mark_paid(order, payment=payment)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order, reason="Hết hàng")
    assert calls == [(payment.pk, order.total, "Hết hàng")]


def test_cancelling_an_unpaid_order_starts_no_refund(placed_order, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr("orders.payments.send_card_refund", lambda *a, **k: calls.append(a))
    order = placed_order("card")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order, reason="Khách huỷ")
    assert calls == []
