"""CSRF on every form, login and object scoping on every stall screen."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import roles
from orders.models import Order
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict():
    return Client(enforce_csrf_checks=True)


def test_cart_checkout_and_lookup_posts_need_the_csrf_token(strict, stall_with_products, placed_order):
    a1 = stall_with_products[2][0]
    assert strict.post(reverse("orders:cart"), {"action": "add", "product": a1.pk, "quantity": 1}).status_code == 403
    assert strict.post(reverse("orders:checkout"), {}).status_code == 403
    assert strict.post(reverse("orders:lookup"), {"number": "x", "phone": "0912345678"}).status_code == 403


def test_stall_actions_need_the_csrf_token(strict, placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    owner = UserFactory(groups=[roles.FARMER])
    stall_a.producer.owner = owner
    stall_a.producer.save()
    group = placed_order("cod").groups.get(stall=stall_a)
    strict.force_login(owner)
    response = strict.post(reverse("orders:group-action", args=[group.pk]), {"action": "cancel", "reason": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["orders:stall-orders"])
def test_stall_screens_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302


def test_stall_pages_of_an_order_need_login(client, placed_order, stall_with_products):
    group = placed_order("cod").groups.first()
    month = timezone.localdate().strftime("%Y-%m")
    for url in (
        reverse("orders:stall-order", args=[group.pk]),
        reverse("orders:packing-slip", args=[group.pk]),
        reverse("orders:statement", args=[group.stall_id, month]),
        reverse("orders:tax-export", args=[month]),
    ):
        assert client.get(url).status_code == 302, url
    assert client.post(reverse("orders:group-action", args=[group.pk]), {"action": "preparing"}).status_code == 302


def test_a_user_without_a_stall_sees_no_orders_and_gets_404(client, placed_order):
    group = placed_order("cod").groups.first()
    client.force_login(UserFactory())
    response = client.get(reverse("orders:stall-orders"))
    assert response.status_code == 200 and not list(response.context["groups"])
    assert client.get(reverse("orders:stall-order", args=[group.pk])).status_code == 404


def test_orders_visible_to_follows_the_stalls(placed_order, stall_with_products, editor):
    stall_a = stall_with_products[0]
    order = placed_order("cod")
    owner = UserFactory(groups=[roles.FARMER])
    stall_a.producer.owner = owner
    stall_a.producer.save()
    assert list(Order.objects.visible_to(owner)) == [order]
    assert list(Order.objects.visible_to(UserFactory())) == []
    assert list(Order.objects.visible_to(editor)) == [order]
