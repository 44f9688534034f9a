"""Orders in the Wagtail admin: editors and superusers see all; money fields are read-only."""

import pytest
from django.urls import reverse

from core import roles
from orders.models import Order
from tests.factories.orders import OrderFactory
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db


def test_editor_sees_every_order(client, editor):
    orders = [OrderFactory(), OrderFactory()]
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_orders_order:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert all(o.number in page for o in orders)


def test_money_fields_are_read_only(client, editor):
    order = OrderFactory()
    client.force_login(editor)
    url = reverse("wagtailsnippets_orders_order:edit", args=[order.pk])
    page = client.get(url).content.decode()
    assert 'name="total"' not in page and 'name="subtotal"' not in page
    response = client.post(
        url,
        {
            "buyer_name": "Tên mới",
            "buyer_email": "moi@example.com",
            "street_address": "1 Đường mới",
            "note": "",
            "total": "1",
            "subtotal": "1",
            "payment_status": "paid",
        },
    )
    assert response.status_code == 302
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.buyer_name == "Tên mới"
    assert (fresh.total, fresh.subtotal, fresh.payment_status) == (order.total, order.subtotal, order.payment_status)


def test_no_adding_or_deleting_orders_in_the_admin(client, admin_user):
    order = OrderFactory()
    client.force_login(admin_user)
    assert client.get(reverse("wagtailsnippets_orders_order:add")).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_orders_order:delete", args=[order.pk])).status_code in (302, 403)
    assert Order.objects.filter(pk=order.pk).exists()


def test_officers_and_farmers_have_no_orders_admin(client, officer):
    OrderFactory()
    for user in (officer, UserFactory(groups=[roles.FARMER])):
        client.force_login(user)
        assert client.get(reverse("wagtailsnippets_orders_order:list")).status_code in (302, 403)
