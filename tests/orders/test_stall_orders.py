"""The stall owner's and the officer's order screens; another stall's order is a 404."""

import pytest
from django.urls import reverse

from catalog.models import Product
from core import roles
from orders import services
from orders.models import FulfilmentGroup, LedgerEntry
from tests.factories.orders import PaymentFactory
from tests.factories.producers import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("orders:stall-orders")


@pytest.fixture
def owners(stall_with_products):
    stall_a, stall_b = stall_with_products[:2]
    owner_a, owner_b = UserFactory(groups=[roles.FARMER]), UserFactory(groups=[roles.FARMER])
    for stall, owner in ((stall_a, owner_a), (stall_b, owner_b)):
        stall.producer.owner = owner
        stall.producer.save()
    return owner_a, owner_b


def act(client, group, **data):
    return client.post(reverse("orders:group-action", args=[group.pk]), data, follow=True)


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")


def test_owner_sees_only_their_stall_orders_and_filters_by_status(
    client, owners, placed_order, stall_with_products, django_assert_max_num_queries
):
    stall_a = stall_with_products[0]
    owner_a, _ = owners
    cod = placed_order("cod")
    placed_order("vietqr")
    services.set_group_status(cod.groups.get(stall=stall_a), to="preparing")
    client.force_login(owner_a)
    client.get(LIST)
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    groups = list(response.context["groups"])
    assert len(groups) == 2 and {g.stall for g in groups} == {stall_a}
    response = client.get(LIST, {"status": "preparing"})
    assert [g.order for g in response.context["groups"]] == [cod]
    assert client.get(LIST, {"status": "nonsense"}).status_code == 200


def test_another_stalls_owner_gets_404_everywhere(client, owners, placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    _, owner_b = owners
    group_a = placed_order("cod").groups.get(stall=stall_a)
    client.force_login(owner_b)
    assert client.get(reverse("orders:stall-order", args=[group_a.pk])).status_code == 404
    assert client.get(reverse("orders:packing-slip", args=[group_a.pk])).status_code == 404
    response = client.post(reverse("orders:group-action", args=[group_a.pk]), {"action": "cancel", "reason": "x"})
    assert response.status_code == 404
    group_a.refresh_from_db()
    assert group_a.status == FulfilmentGroup.Status.PENDING_PAYMENT


def test_officer_of_the_commune_manages_and_another_officer_gets_404(client, placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    group = placed_order("cod").groups.get(stall=stall_a)
    officer = OfficerFactory(communes=[stall_a.commune]).user
    stranger = OfficerFactory(communes=[stall_with_products[1].commune]).user
    client.force_login(stranger)
    assert client.get(reverse("orders:stall-order", args=[group.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("orders:stall-order", args=[group.pk])).status_code == 200
    act(client, group, action="preparing")
    group.refresh_from_db()
    assert group.status == FulfilmentGroup.Status.PREPARING


def test_cod_flow_preparing_shipped_with_tracking_delivered(client, owners, placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    owner_a, _ = owners
    group = placed_order("cod").groups.get(stall=stall_a)
    client.force_login(owner_a)
    act(client, group, action="preparing")
    response = act(client, group, action="shipped", tracking_number="  ")
    group.refresh_from_db()
    assert group.status == FulfilmentGroup.Status.PREPARING
    assert any("tracking" in str(m).lower() or "mã vận đơn" in str(m).lower() for m in response.context["messages"])
    act(client, group, action="shipped", tracking_number="VNP0001")
    act(client, group, action="delivered")
    group.refresh_from_db()
    assert (group.status, group.tracking_number) == (FulfilmentGroup.Status.DELIVERED, "VNP0001")
    # Cash on delivery is recorded at delivery, never withheld.
    assert list(LedgerEntry.objects.filter(group=group).values_list("kind", "amount", "collected_by")) == [
        ("sale", group.subtotal, "cod"),
        ("shipping", group.shipping_fee, "cod"),
    ]


def test_an_unpaid_online_order_cannot_be_prepared(client, owners, placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    owner_a, _ = owners
    group = placed_order("vietqr").groups.get(stall=stall_a)
    client.force_login(owner_a)
    response = act(client, group, action="preparing")
    group.refresh_from_db()
    assert group.status == FulfilmentGroup.Status.PENDING_PAYMENT
    assert [str(m) for m in response.context["messages"]]


def test_cancel_needs_a_reason_and_releases_stock(client, owners, placed_order, stall_with_products):
    stall_a, _b, (a1, a2), _ = stall_with_products
    owner_a, _ = owners
    group = placed_order("cod").groups.get(stall=stall_a)
    client.force_login(owner_a)
    act(client, group, action="cancel", reason="")
    group.refresh_from_db()
    assert group.status == FulfilmentGroup.Status.PENDING_PAYMENT
    act(client, group, action="cancel", reason="Hết hàng")
    group.refresh_from_db()
    assert (group.status, group.cancel_reason) == (FulfilmentGroup.Status.CANCELLED, "Hết hàng")
    assert Product.objects.get(pk=a1.pk).stock == 10 and Product.objects.get(pk=a2.pk).stock == 5


def test_cancelling_a_paid_card_part_refunds_its_share(
    client, owners, placed_order, stall_with_products, monkeypatch, django_capture_on_commit_callbacks
):
    stall_a = stall_with_products[0]
    owner_a, _ = owners
    calls = []
    monkeypatch.setattr(
        "orders.payments.send_card_refund",
        lambda refund: calls.append((refund.amount, refund.group_id, refund.created_by)),
    )
    order = placed_order("card")
    services.mark_paid(order, payment=PaymentFactory(order=order, method="card", provider_id="pi_9"))
    group = order.groups.get(stall=stall_a)
    client.force_login(owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, group, action="cancel", reason="Hết hàng")
    assert calls == [(group.total, group.pk, owner_a)]


def test_packing_slip_is_printable(client, owners, placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    owner_a, _ = owners
    order = placed_order("cod", note="Gọi trước khi giao")
    group = order.groups.get(stall=stall_a)
    client.force_login(owner_a)
    page = client.get(reverse("orders:packing-slip", args=[group.pk])).content.decode()
    assert order.number in page and "Bánh pía" in page and "Gọi trước khi giao" in page
    assert "Mật ong" not in page  # stall B's line is not on stall A's slip
    assert "410.000 ₫" in page


def test_bad_action_is_refused_with_a_message(client, owners, placed_order, stall_with_products):
    owner_a, _ = owners
    group = placed_order("cod").groups.get(stall=stall_with_products[0])
    client.force_login(owner_a)
    response = act(client, group, action="paid")
    group.refresh_from_db()
    assert group.status == FulfilmentGroup.Status.PENDING_PAYMENT
    assert [str(m) for m in response.context["messages"]]
    assert client.get(reverse("orders:group-action", args=[group.pk])).status_code == 405


def test_cod_order_is_paid_once_every_part_is_delivered(placed_order, stall_with_products):
    from orders.models import Order, Payment

    order = placed_order("cod")
    groups = list(order.groups.order_by("pk"))
    for i, group in enumerate(groups):
        services.set_group_status(group, to="preparing")
        services.set_group_status(group, to="shipped", tracking_number=f"T{i}")
    services.set_group_status(groups[0], to="delivered")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.UNPAID
    services.set_group_status(groups[1], to="delivered")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    payment = Payment.objects.get(order=order)
    assert (payment.method, payment.status, payment.amount) == ("cod", "succeeded", order.total)
    assert LedgerEntry.objects.filter(kind="sale").count() == 2
    assert not LedgerEntry.objects.exclude(kind__in=["sale", "shipping"]).exists()  # cash: nothing withheld
