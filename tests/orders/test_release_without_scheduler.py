"""A reservation ends at its deadline with no Celery, no Redis and no worker: the next checkout
of those products releases it in its own transaction, and a management command releases the rest."""

import datetime
import io
import sys

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Product
from orders import services
from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_celery(monkeypatch):
    """``import celery`` fails, and the orders task module is gone: nothing can schedule anything."""
    monkeypatch.setitem(sys.modules, "celery", None)
    monkeypatch.delitem(sys.modules, "orders.tasks", raising=False)
    with pytest.raises(ImportError):
        import celery  # noqa: F401


def stock(product):
    return Product.objects.get(pk=product.pk).stock


def test_the_next_checkout_releases_an_abandoned_reservation_and_gets_the_units(
    no_celery, placed_order, stall_with_products, settings
):
    _a, _b, _as, (b1,) = stall_with_products  # b1: 3 in stock
    abandoned = placed_order("vietqr", cart={b1.pk: 3})
    assert stock(b1) == 0
    minutes = settings.ORDER_PAYMENT_TIMEOUT_MINUTES
    before = time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes - 1))
    with before, pytest.raises(services.CheckoutError):  # still reserved before the deadline
        placed_order("vietqr", cart={b1.pk: 1})
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes + 1)):
        order = placed_order("card", cart={b1.pk: 2})
    assert order.pk and stock(b1) == 1
    abandoned.refresh_from_db()
    assert abandoned.payment_status == Order.PaymentStatus.CANCELLED and abandoned.stock_released_at is not None
    assert {g.status for g in abandoned.groups.all()} == {"cancelled"}


def test_a_checkout_of_other_products_leaves_unrelated_reservations_to_the_command(
    no_celery, placed_order, stall_with_products, settings
):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    abandoned = placed_order("card", cart={b1.pk: 2})
    later = timezone.now() + datetime.timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1)
    with time_machine.travel(later):
        placed_order("vietqr", cart={a1.pk: 1})
        abandoned.refresh_from_db()
        assert abandoned.stock_released_at is None and stock(b1) == 1
        out = io.StringIO()
        call_command("release_expired_reservations", "--dry-run", stdout=out)
        assert out.getvalue().startswith("1 ") and stock(b1) == 1
        call_command("release_expired_reservations", stdout=out)
        call_command("release_expired_reservations", stdout=out)  # twice: the stock comes back once
    assert stock(b1) == 3
    abandoned.refresh_from_db()
    assert abandoned.payment_status == Order.PaymentStatus.CANCELLED
