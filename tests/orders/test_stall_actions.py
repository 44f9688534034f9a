"""The stall's order screen offers exactly the moves the service accepts, in every status.

The buttons come from ``services.available_actions`` (itself read from ``TRANSITIONS``); these
tests read them back from the rendered page, so a template that decides on its own which
buttons to show fails here.
"""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from orders import services
from orders.models import FulfilmentGroup
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db

Status = FulfilmentGroup.Status
ACTIONS = ("preparing", "shipped", "delivered", "cancel")

# What the screen offers, written out by hand: the order of the buttons is part of the screen.
EXPECTED = {
    ("cod", Status.PENDING_PAYMENT): ["preparing", "cancel"],
    ("vietqr", Status.PENDING_PAYMENT): ["cancel"],
    ("cod", Status.PAID): ["preparing", "cancel"],
    ("vietqr", Status.PAID): ["preparing", "cancel"],
    ("cod", Status.PREPARING): ["shipped", "cancel"],
    ("vietqr", Status.PREPARING): ["shipped", "cancel"],
    ("cod", Status.SHIPPED): ["delivered"],
    ("vietqr", Status.SHIPPED): ["delivered"],
}


class _Undo(Exception):
    pass


def _accepted(group, action) -> bool:
    """Whether the service takes this action in the group's status (the move is rolled back)."""
    try:
        with transaction.atomic():
            if action == "cancel":
                services.cancel_group(group, reason="x")
            else:
                services.set_group_status(group, to=action, tracking_number="VNP1")
            raise _Undo
    except _Undo:
        return True
    except services.OrderError:
        return False


def _offered(page: str, group) -> list[str]:
    """The ``action`` of each form of the page that posts to this group's action URL, in order."""
    url = re.escape(reverse("orders:group-action", args=[group.pk]))
    forms = re.findall(rf'<form method="post" action="{url}">(.*?)</form>', page, re.S)
    return [re.search(r'name="action" value="([^"]+)"', form).group(1) for form in forms]


@pytest.fixture
def owner_and_group(stall_with_products):
    stall = stall_with_products[0]
    owner = UserFactory(groups=["Farmer"])
    stall.producer.owner = owner
    stall.producer.save()
    return owner, stall


@pytest.mark.parametrize("method", ["cod", "vietqr"])
@pytest.mark.parametrize("status", Status.values)
def test_the_screen_offers_exactly_the_available_actions(client, owner_and_group, placed_order, method, status):
    owner, stall = owner_and_group
    group = placed_order(method).groups.get(stall=stall)
    FulfilmentGroup.objects.filter(pk=group.pk).update(status=status)
    group = FulfilmentGroup.objects.select_related("order").get(pk=group.pk)
    client.force_login(owner)
    page = client.get(reverse("orders:stall-order", args=[group.pk])).content.decode()

    actions = services.available_actions(group)
    assert _offered(page, group) == actions == EXPECTED.get((method, status), [])
    assert actions == [a for a in ACTIONS if _accepted(group, a)]
    assert ('class="ord-actions"' in page) == bool(actions)
    waiting = "Waiting for the buyer" in page or "Đang chờ người mua thanh toán" in page
    waits = (method, status) == ("vietqr", Status.PENDING_PAYMENT)
    assert waiting == services.waiting_for_payment(group) == waits


def test_every_action_a_screen_offers_is_one_the_form_accepts():
    from orders.forms import GroupActionForm

    assert set(ACTIONS) == {value for value, _label in GroupActionForm.ACTIONS}
    assert set(services.STALL_MOVES) | {services.CANCEL} == set(ACTIONS)
