"""Shared fixtures of the orders tests (engineer C's and D's)."""

import pytest

from core import roles
from tests.factories.catalog import ProductFactory
from tests.factories.producers import CommuneFactory, StallFactory


@pytest.fixture
def stall_with_products():
    """Two published stalls with stock: ``(stall_a, stall_b, [a1, a2], [b1])``.

    Stall A: shipping 30.000 ₫, free from 500.000 ₫; products a1 (150.000 ₫, 10 in stock) and
    a2 (80.000 ₫, 5). Stall B: shipping 25.000 ₫, never free; product b1 (200.000 ₫, 3).
    """
    stall_a = StallFactory(name="Gian hàng A", shipping_fee=30000, free_shipping_over=500000)
    stall_b = StallFactory(name="Gian hàng B", shipping_fee=25000, free_shipping_over=None)
    a1 = ProductFactory(producer=stall_a.producer, name="Bánh pía", price=150000, stock=10)
    a2 = ProductFactory(producer=stall_a.producer, name="Kẹo dừa", price=80000, stock=5)
    b1 = ProductFactory(producer=stall_b.producer, name="Mật ong", price=200000, stock=3)
    return stall_a, stall_b, [a1, a2], [b1]


@pytest.fixture
def cart_with_two_stalls(stall_with_products):
    """A cart mapping ``{product_id: quantity}``: a1 × 2, a2 × 1, b1 × 1 (two stalls)."""
    _a, _b, (a1, a2), (b1,) = stall_with_products
    return {a1.pk: 2, a2.pk: 1, b1.pk: 1}


@pytest.fixture
def buyer_address():
    commune = CommuneFactory()
    return {
        "buyer_name": "Trần Thị Bình",
        "buyer_phone": "+84912345678",
        "buyer_email": "binh@example.com",
        "province": commune.province,
        "commune": commune,
        "street_address": "12 Lê Lợi",
        "note": "",
    }


@pytest.fixture
def placed_order(cart_with_two_stalls, buyer_address):
    """``placed_order(method)``: an order placed through ``place_order`` (stock reserved).

    The cart is ``cart_with_two_stalls`` unless ``cart={product_id: quantity}`` is given.
    """
    from orders.services import place_order

    def make(method="vietqr", cart=None, **data):
        return place_order(cart or cart_with_two_stalls, {**buyer_address, "payment_method": method, **data})

    return make


@pytest.fixture
def finance():
    """Platform finance staff: the Finance group (orders.confirm_platform_payment)."""
    from tests.factories.producers import UserFactory

    return UserFactory(groups=[roles.FINANCE])
