"""Stock reserved at checkout never goes below zero and comes back exactly once."""

import pytest

from catalog.models import Product
from orders import services
from orders.models import FulfilmentGroup, GroupStatusChange, Order

pytestmark = pytest.mark.django_db


def stock(product):
    return Product.objects.get(pk=product.pk).stock


def test_reserving_the_last_units_then_more_is_refused(placed_order, stall_with_products):
    _a, _b, _, (b1,) = stall_with_products  # 3 in stock
    placed_order("cod", cart={b1.pk: 3})
    assert stock(b1) == 0
    with pytest.raises(services.CheckoutError):
        placed_order("cod", cart={b1.pk: 1})
    assert stock(b1) == 0
    assert Order.objects.count() == 1


def test_cancelling_an_order_releases_its_stock_once(placed_order, stall_with_products):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    order = placed_order("vietqr")
    assert (stock(a1), stock(a2), stock(b1)) == (8, 4, 2)
    services.cancel_order(order, reason="Khách đổi ý")
    assert (stock(a1), stock(a2), stock(b1)) == (10, 5, 3)
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.CANCELLED and order.stock_released_at is not None
    assert set(order.groups.values_list("status", flat=True)) == {FulfilmentGroup.Status.CANCELLED}
    with pytest.raises(services.OrderError):
        services.cancel_order(order, reason="again")
    assert (stock(a1), stock(a2), stock(b1)) == (10, 5, 3)


def test_cancelling_one_stall_part_releases_only_its_stock(placed_order, stall_with_products):
    stall_a, _b, (a1, a2), (b1,) = stall_with_products
    order = placed_order("cod")
    group = order.groups.get(stall=stall_a)
    services.cancel_group(group, reason="Hết hàng trong kho")
    assert (stock(a1), stock(a2), stock(b1)) == (10, 5, 2)
    with pytest.raises(services.OrderError):
        services.cancel_group(group, reason="twice")
    assert stock(a1) == 10
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.UNPAID  # stall B's part is still on
    # Not paid yet: the buyer now owes only stall B's part.
    assert (order.subtotal, order.shipping_total, order.total) == (200000, 25000, 225000)
    change = GroupStatusChange.objects.get(group=group)
    assert (change.from_status, change.to_status, change.comment) == (
        "pending_payment",
        "cancelled",
        "Hết hàng trong kho",
    )


def test_a_shipped_part_cannot_be_cancelled(placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    order = placed_order("cod")
    group = order.groups.get(stall=stall_a)
    services.set_group_status(group, to="preparing")
    services.set_group_status(group, to="shipped", tracking_number="VN123")
    with pytest.raises(services.OrderError):
        services.cancel_group(group, reason="late")


def test_a_deleted_product_does_not_break_cancelling(placed_order, stall_with_products):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    order = placed_order("vietqr", cart={b1.pk: 1})
    Product.objects.filter(pk=b1.pk).delete()
    services.cancel_order(order, reason="x")
    assert order.groups.get().lines.get().product is None
