"""Refunds: through the API for card payments (real localstripe), by hand for VietQR and cash;
the refund form and who may use it."""

import pytest
from django.urls import reverse

from core import roles
from orders import payments
from orders.models import Order, Payment, Refund
from tests.factories.catalog import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import StallFactory, UserFactory
from tests.orders.localstripe import localstripe, localstripe_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_card_order(localstripe, placed_order):  # noqa: F811
    order = placed_order("card")
    payment = payments.start_card_payment(order, "success")
    assert payment.status == Payment.Status.SUCCEEDED
    order.refresh_from_db()
    return order, payment


def test_a_full_card_refund_goes_through_the_provider(localstripe, paid_card_order):  # noqa: F811
    order, payment = paid_card_order
    refund = payments.refund_payment(payment, None, reason="Hết hàng")
    assert refund.amount == order.total and refund.provider_id.startswith("re_")
    assert refund.status == Refund.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.REFUNDED
    charge = localstripe.get(f"/v1/payment_intents/{payment.provider_id}")["latest_charge"]
    assert charge["amount_refunded"] == order.total


def test_partial_card_refunds_add_up_and_never_exceed_the_payment(localstripe, paid_card_order):  # noqa: F811
    order, payment = paid_card_order
    group = order.groups.order_by("pk").first()
    payments.refund_payment(payment, 20000, group=group, reason="Một hộp bị móp")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED
    assert payments.refundable_amount(payment) == order.total - 20000
    with pytest.raises(payments.PaymentError):
        payments.refund_payment(payment, order.total, reason="quá nhiều")
    with pytest.raises(payments.PaymentError):
        payments.refund_payment(payment, group.total, group=group, reason="quá phần của gian hàng")
    with pytest.raises(payments.PaymentError):
        payments.refund_payment(payment, 0, reason="không")
    assert Refund.objects.count() == 1
    charge = localstripe.get(f"/v1/payment_intents/{payment.provider_id}")["latest_charge"]
    assert charge["amount_refunded"] == 20000


def test_cancelling_a_paid_card_order_refunds_it(localstripe, paid_card_order, django_capture_on_commit_callbacks):  # noqa: F811
    from orders.services import cancel_order

    order, payment = paid_card_order
    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order, reason="Hết hàng")
    refund = Refund.objects.get(payment=payment)
    assert refund.amount == order.total and refund.provider_id.startswith("re_")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.REFUNDED


def test_a_refund_of_an_unpaid_payment_is_refused(placed_order):
    order = placed_order("vietqr")
    payment = Payment.objects.create(order=order, method="vietqr", amount=order.total, idempotency_key="k-unpaid")
    with pytest.raises(payments.PaymentError):
        payments.refund_payment(payment, 1000)
    assert not Refund.objects.exists()


def test_a_vietqr_refund_is_recorded_by_hand(placed_order, finance):
    order = placed_order("vietqr")
    payment = payments.mark_transfer_received(order, by=finance)
    refund = payments.refund_payment(payment, 50000, reason="Giao thiếu")
    assert refund.provider_id is None and refund.amount == 50000
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.REFUND_DUE  # owed until the transfer back is made
    payments.mark_refund_sent(refund, by=finance, bank_reference="FT001")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED


# -- the form, and who may use it --


@pytest.fixture
def owner_and_order():
    owner = UserFactory(groups=[roles.FARMER])
    stall = StallFactory(producer__owner=owner)
    order = OrderFactory(payment_method="cod", items=[(ProductFactory(producer=stall.producer, price=100000), 2)])
    payment = payments.mark_transfer_received(order, by=owner)
    return owner, order, payment


def test_stall_owner_refunds_part_of_a_cod_order_from_the_page(client, owner_and_order):
    owner, order, payment = owner_and_order
    client.force_login(owner)
    url = reverse("orders:payment-manage", kwargs={"number": order.number})
    page = client.get(url)
    assert page.status_code == 200 and "Hoàn tiền" in page.content.decode()
    group = order.groups.get()
    response = client.post(
        reverse("orders:refund", kwargs={"number": order.number}),
        {"group": group.pk, "amount": "30000", "reason": "Một túi bị rách"},
    )
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.group_id, refund.created_by_id) == (30000, group.pk, owner.pk)


@pytest.mark.parametrize(
    "data,error",
    [
        ({"amount": "", "reason": "x"}, "số tiền"),
        ({"amount": "abc", "reason": "x"}, "số đồng nguyên"),
        ({"amount": "-5", "reason": "x"}, "ít nhất 1"),
        ({"amount": "5000", "reason": ""}, "lý do"),
        ({"amount": "999999999", "reason": "x"}, "tối đa"),
    ],
)
def test_bad_refund_input_shows_a_message_and_records_nothing(client, owner_and_order, data, error):
    owner, order, _payment = owner_and_order
    client.force_login(owner)
    group = order.groups.get()
    response = client.post(reverse("orders:refund", kwargs={"number": order.number}), {"group": group.pk, **data})
    assert response.status_code == 400
    assert error in response.content.decode().lower() or error in response.content.decode()
    assert not Refund.objects.exists()


def test_someone_elses_order_is_a_404(client, owner_and_order, officer):
    _owner, order, _payment = owner_and_order
    stranger = UserFactory(groups=[roles.FARMER])
    StallFactory(producer__owner=stranger)
    for user in (stranger, officer):  # the officer serves another commune
        client.force_login(user)
        assert client.get(reverse("orders:payment-manage", kwargs={"number": order.number})).status_code == 404
        response = client.post(
            reverse("orders:refund", kwargs={"number": order.number}), {"amount": "1000", "reason": "x"}
        )
        assert response.status_code == 404
    assert not Refund.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, owner_and_order):
    _owner, order, _payment = owner_and_order
    response = client.get(reverse("orders:payment-manage", kwargs={"number": order.number}))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")


def test_manage_page_query_count(client, owner_and_order, django_assert_max_num_queries):
    owner, order, _payment = owner_and_order
    client.force_login(owner)
    url = reverse("orders:payment-manage", kwargs={"number": order.number})
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
