"""Unpaid online orders release their stock after the timeout: exactly once."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from catalog.models import Product
from orders import services, tasks
from orders.models import FulfilmentGroup, Order, Payment
from tests.factories.orders import PaymentFactory

pytestmark = pytest.mark.django_db


def later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def stocks(products):
    return [Product.objects.get(pk=p.pk).stock for p in products]


def test_expired_online_orders_are_cancelled_and_their_stock_returned_once(placed_order, stall_with_products, settings):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    vietqr = placed_order("vietqr")
    card = placed_order("card", cart={a1.pk: 1})
    cod = placed_order("cod", cart={a2.pk: 1})
    assert stocks([a1, a2, b1]) == [7, 3, 2]

    assert services.release_expired_reservations(now=later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES - 1)) == 0
    assert stocks([a1, a2, b1]) == [7, 3, 2]

    now = later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1)
    assert services.release_expired_reservations(now=now) == 2
    assert stocks([a1, a2, b1]) == [10, 4, 3]  # the COD order keeps its unit of a2
    assert services.release_expired_reservations(now=now) == 0
    assert stocks([a1, a2, b1]) == [10, 4, 3]

    for order in (vietqr, card):
        order.refresh_from_db()
        assert order.payment_status == Order.PaymentStatus.CANCELLED
        assert set(order.groups.values_list("status", flat=True)) == {FulfilmentGroup.Status.CANCELLED}
    cod.refresh_from_db()
    assert cod.payment_status == Order.PaymentStatus.UNPAID


def test_paid_orders_are_not_released(placed_order, settings):
    order = placed_order("vietqr")
    services.mark_paid(order, payment=PaymentFactory(order=order))
    assert services.release_expired_reservations(now=later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 5)) == 0
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID


def test_the_celery_task_runs_the_release(placed_order, settings):
    order = placed_order("vietqr")
    with time_machine.travel(later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1)):
        assert tasks.release_expired_reservations.delay().get() == 1
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.CANCELLED
    assert order.payments.filter(status=Payment.Status.PENDING).count() == 0


def test_a_failed_attempt_keeps_the_order_payable_until_the_timeout(placed_order, settings):
    order = placed_order("card")
    payment = PaymentFactory(order=order, method="card")
    services.mark_failed(order, payment=payment, message="Thẻ bị từ chối.")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.FAILED and order.is_payable
    assert services.release_expired_reservations(now=later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1)) == 1


def test_payment_arriving_after_expiry_revives_the_order_when_stock_is_there(
    placed_order, stall_with_products, settings
):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    order = placed_order("vietqr")
    services.release_expired_reservations(now=later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1))
    assert stocks([a1, a2, b1]) == [10, 5, 3]
    services.mark_paid(order, payment=PaymentFactory(order=order))
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID and order.stock_released_at is None
    assert set(order.groups.values_list("status", flat=True)) == {FulfilmentGroup.Status.PAID}
    assert stocks([a1, a2, b1]) == [8, 4, 2]


def test_payment_after_expiry_without_stock_keeps_the_order_cancelled_for_a_refund(
    placed_order, stall_with_products, settings
):
    _a, _b, _, (b1,) = stall_with_products
    order = placed_order("vietqr", cart={b1.pk: 3})
    services.release_expired_reservations(now=later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1))
    placed_order("cod", cart={b1.pk: 3})  # someone else bought it meanwhile
    services.mark_paid(order, payment=PaymentFactory(order=order))
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.REFUND_DUE  # money received: owed back
    assert order.payments.get().refunds.get().amount == order.total
    assert set(order.groups.values_list("status", flat=True)) == {FulfilmentGroup.Status.CANCELLED}
    assert stocks([b1]) == [0]


def test_late_payment_revives_only_the_parts_the_expiry_cancelled(placed_order, stall_with_products, settings):
    stall_a, stall_b, (a1, a2), (b1,) = stall_with_products
    order = placed_order("vietqr")
    services.cancel_group(order.groups.get(stall=stall_a), reason="Hết hàng")
    services.release_expired_reservations(now=later(settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1))
    order.refresh_from_db()
    services.mark_paid(order, payment=PaymentFactory(order=order))
    statuses = dict(order.groups.values_list("stall_id", "status"))
    assert statuses == {stall_a.pk: FulfilmentGroup.Status.CANCELLED, stall_b.pk: FulfilmentGroup.Status.PAID}
    assert stocks([a1, a2, b1]) == [10, 5, 2]
