"""The buyer's order page (private link) and the lookup by number and phone."""

import pytest
from django.urls import reverse

from orders import services
from tests.factories.orders import OrderFactory, PaymentFactory

pytestmark = pytest.mark.django_db

LOOKUP = reverse("orders:lookup")


def test_order_page_shows_each_stall_part_with_status_lines_and_totals(
    client, placed_order, django_assert_max_num_queries
):
    order = placed_order("cod")
    client.get(order.get_absolute_url())
    with django_assert_max_num_queries(12):
        response = client.get(order.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert order.number in page
    assert "Gian hàng A" in page and "Gian hàng B" in page
    assert "Bánh pía" in page and "Mật ong" in page
    assert "635.000 ₫" in page and "410.000 ₫" in page
    assert "noindex" in page
    assert response.headers["Cache-Control"].startswith("max-age=0") or "no-cache" in response.headers["Cache-Control"]


def test_order_page_query_count_does_not_grow_with_lines(client, django_assert_max_num_queries):
    from tests.factories.catalog import ProductFactory

    small = OrderFactory()
    big = OrderFactory(items=[(ProductFactory(), 1) for _ in range(6)])
    for order in (small, big):
        client.get(order.get_absolute_url())
    with django_assert_max_num_queries(12):
        assert client.get(big.get_absolute_url()).status_code == 200


def test_status_changes_show_on_the_order_page(client, placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    order = placed_order("vietqr")
    services.mark_paid(order, payment=PaymentFactory(order=order))
    group = order.groups.get(stall=stall_a)
    services.set_group_status(group, to="preparing")
    services.set_group_status(group, to="shipped", tracking_number="VNPOST123")
    page = client.get(order.get_absolute_url()).content.decode()
    assert "VNPOST123" in page


def test_unknown_token_is_404(client):
    assert client.get(reverse("orders:detail", kwargs={"token": "nope"})).status_code == 404


@pytest.mark.parametrize("phone", ["0912345678", "0912 345 678", "+84912345678", "84912345678"])
def test_lookup_by_number_and_phone_opens_the_order(client, placed_order, phone):
    order = placed_order("cod")
    response = client.post(LOOKUP, {"number": order.number.lower(), "phone": phone})
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()


def test_lookup_with_the_wrong_phone_reveals_nothing(client, placed_order):
    order = placed_order("cod")
    response = client.post(LOOKUP, {"number": order.number, "phone": "0987654321"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert order.access_token not in response.content.decode()
    response = client.post(LOOKUP, {"number": order.number, "phone": "abc"})
    assert response.context["form"].errors["phone"]


def test_lookup_page_renders(client):
    response = client.get(LOOKUP)
    assert response.status_code == 200 and 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_confirmation_is_sent_on_payment(placed_order, notify_outbox, django_capture_on_commit_callbacks):
    order = placed_order("vietqr")
    notify_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order, payment=PaymentFactory(order=order))
    assert len(notify_outbox) == 1
    assert order.number in notify_outbox[0].subject and order.buyer_email == notify_outbox[0].email


def test_seed_orders_makes_demo_orders_in_various_states_once(stall_with_products):
    from django.utils import timezone

    from demo.orders_data import seed_orders
    from orders.models import Order

    assert seed_orders(today=timezone.localdate(), users={}) == {"orders": 6}
    assert seed_orders(today=timezone.localdate(), users={}) == {}
    assert Order.objects.count() == 6
    statuses = set(Order.objects.values_list("groups__status", flat=True))
    assert {"pending_payment", "preparing", "shipped", "delivered", "cancelled"} <= statuses
