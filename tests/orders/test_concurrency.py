"""20 parallel checkouts for 5 units in stock: exactly 5 orders, stock 0 (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from catalog.models import Product
from orders import services
from orders.models import Order
from tests.factories.catalog import ProductFactory
from tests.factories.producers import CommuneFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL (row locks between real connections); run with DATABASE_URL=postgres://…",
    ),
]

BUYERS = 20


def test_twenty_parallel_checkouts_for_five_in_stock_give_five_orders():
    product = ProductFactory(stock=5, price=100000)
    commune = CommuneFactory()
    data = {
        "buyer_name": "Người mua",
        "buyer_phone": "+84912345678",
        "buyer_email": "",
        "province": commune.province,
        "commune": commune,
        "street_address": "1 Lê Lợi",
        "note": "",
        "payment_method": "vietqr",
    }
    barrier = threading.Barrier(BUYERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy():
        try:
            barrier.wait()
            try:
                services.place_order({product.pk: 1}, data)
                result = "ok"
            except services.CheckoutError:
                result = "sold out"
            except Exception as exc:
                result = f"error {type(exc).__name__}: {exc}"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=buy) for _ in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok"] * 5 + ["sold out"] * 15, outcomes
    assert Order.objects.count() == 5
    assert Product.objects.get(pk=product.pk).stock == 0
    numbers = list(Order.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 5
