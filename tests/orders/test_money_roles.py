"""Who may confirm money: only the party that holds the account. Platform-collected money
(VietQR to the platform's account) is confirmed by finance staff (a permission, not is_staff);
stall-collected money by the stall. A stall's bank statement matches only stall-collected payments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles
from orders import payments
from orders.models import Order
from tests.factories.catalog import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stall(commune):
    return StallFactory(commune=commune, province=commune.province, producer__owner=UserFactory(groups=[roles.FARMER]))


def vietqr_order(stall, collected_by):
    order = OrderFactory(payment_method="vietqr", items=[(ProductFactory(producer=stall.producer, price=100000), 1)])
    order.groups.update(collected_by=collected_by)
    return order


def post_received(client, user, order):
    if user is not None:
        client.force_login(user)
    return client.post(reverse("orders:mark-received", kwargs={"number": order.number}))


def status_of(order):
    order.refresh_from_db()
    return order.payment_status


@pytest.mark.parametrize("role", ["owner", "officer", "editor", "staff_flag", "anonymous"])
def test_only_finance_confirms_money_paid_into_the_platform_account(client, stall, officer, editor, role):
    order = vietqr_order(stall, "platform")
    user = {
        "owner": stall.producer.owner,
        "officer": officer,
        "editor": editor,
        "staff_flag": UserFactory(is_staff=True),
        "anonymous": None,
    }[role]
    response = post_received(client, user, order)
    assert response.status_code in (302, 404)
    assert status_of(order) == Order.PaymentStatus.AWAITING
    assert not order.payments.exists()
    if user is not None:
        with pytest.raises(payments.PaymentError):
            payments.mark_transfer_received(order, by=user)
        assert payments.may_confirm_received(user, order) is False


def test_finance_confirms_money_paid_into_the_platform_account(client, stall, finance):
    order = vietqr_order(stall, "platform")
    page = client.get(reverse("orders:payment-manage", kwargs={"number": order.number}))
    assert page.status_code == 302  # anonymous: log in first
    client.force_login(finance)
    page = client.get(reverse("orders:payment-manage", kwargs={"number": order.number}))
    assert reverse("orders:mark-received", kwargs={"number": order.number}) in page.content.decode()
    assert post_received(client, finance, order).status_code == 302
    assert status_of(order) == Order.PaymentStatus.PAID
    assert order.payments.get().confirmed_by == finance


def test_the_owner_sees_no_money_received_button_for_platform_money(client, stall):
    order = vietqr_order(stall, "platform")
    client.force_login(stall.producer.owner)
    page = client.get(reverse("orders:payment-manage", kwargs={"number": order.number}))
    assert page.status_code == 200
    assert reverse("orders:mark-received", kwargs={"number": order.number}) not in page.content.decode()


@pytest.mark.parametrize("role", ["owner", "officer"])
def test_the_stall_confirms_money_paid_into_its_own_account(client, stall, officer, role):
    order = vietqr_order(stall, "stall")
    user = stall.producer.owner if role == "owner" else officer
    assert post_received(client, user, order).status_code == 302
    assert status_of(order) == Order.PaymentStatus.PAID


def test_finance_does_not_confirm_money_paid_into_a_stall_account(client, stall, finance):
    order = vietqr_order(stall, "stall")
    post_received(client, finance, order)
    assert status_of(order) == Order.PaymentStatus.AWAITING


def _statement(*orders):
    text = "Số tiền,Nội dung\n" + "".join(f"{o.total},{o.payment_reference}\n" for o in orders)
    return SimpleUploadedFile("saoke.csv", text.encode(), content_type="text/csv")


def test_a_statement_uploaded_by_a_stall_matches_only_stall_collected_payments(client, stall):
    platform, own = vietqr_order(stall, "platform"), vietqr_order(stall, "stall")
    client.force_login(stall.producer.owner)
    response = client.post(reverse("orders:bank-statement"), {"statement": _statement(platform, own)})
    assert response.status_code == 200
    report = response.context["report"]
    assert [line.order for line in report.matched] == [own]
    assert len(report.unknown) == 1
    assert status_of(platform) == Order.PaymentStatus.AWAITING
    assert status_of(own) == Order.PaymentStatus.PAID


def test_a_statement_uploaded_by_finance_matches_platform_payments(client, stall, finance):
    platform, own = vietqr_order(stall, "platform"), vietqr_order(stall, "stall")
    client.force_login(finance)
    response = client.post(reverse("orders:bank-statement"), {"statement": _statement(platform, own)})
    report = response.context["report"]
    assert [line.order for line in report.matched] == [platform]
    assert status_of(own) == Order.PaymentStatus.AWAITING


def test_anonymous_cannot_open_the_statement_page(client):
    response = client.get(reverse("orders:bank-statement"))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")
