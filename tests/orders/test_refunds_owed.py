"""Refunds owed are first-class: cancelling a paid part records a refund due (amount, method),
reverses the part's sale and tax in the month it is cancelled, shows the buyer what is owed and
what was sent; finance records a VietQR refund sent with the bank's reference."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core import roles
from orders import payments, services, settlement
from orders.models import Order, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_vietqr(placed_order, finance):
    """A two-stall VietQR order paid into the platform's account, confirmed by finance."""
    order = placed_order("vietqr")
    payments.mark_transfer_received(order, by=finance)
    order.refresh_from_db()
    return order


@pytest.fixture(autouse=True)
def owners(stall_with_products):
    from tests.factories.producers import UserFactory

    for stall in stall_with_products[:2]:
        stall.producer.owner = UserFactory(groups=[roles.FARMER])
        stall.producer.save()


def tax_row(stall, month):
    return next((r for r in settlement.tax_declaration_rows(month) if r["stall"] == stall), None)


def test_a_stall_cancelling_its_paid_vietqr_part_owes_the_buyer_a_refund(
    client, paid_vietqr, stall_with_products, finance
):
    stall_a, stall_b = stall_with_products[0], stall_with_products[1]
    month = settlement.month_of()
    group_a = paid_vietqr.groups.get(stall=stall_a)
    before_b = settlement.statement(stall_b, month)["payable"]
    services.cancel_group(group_a, reason="Hết hàng", by=stall_a.producer.owner)

    refund = Refund.objects.get()
    assert (refund.status, refund.method, refund.amount, refund.group) == ("pending", "vietqr", group_a.total, group_a)
    paid_vietqr.refresh_from_db()
    assert paid_vietqr.payment_status == Order.PaymentStatus.REFUND_DUE
    # The cancelled part is reversed this month: nothing payable to stall A, no revenue declared.
    data = settlement.statement(stall_a, month)
    assert data["payable"] == 0 and data["totals"]["net"] == 0
    assert data["totals"]["shipping"] == 0  # the fee was reversed too
    assert data["totals"]["refund"] == -group_a.subtotal and data["totals"]["sale"] == group_a.subtotal
    row = tax_row(stall_a, month)
    assert (row["revenue"], row["vat"], row["pit"]) == (0, 0, 0)
    assert settlement.statement(stall_b, month)["payable"] == before_b  # the other stall keeps its sale

    # The buyer sees what is owed.
    html = client.get(paid_vietqr.get_absolute_url()).content.decode()
    assert "hoàn" in html.lower() and f"{group_a.total:,}".replace(",", ".") in html

    # The stall cannot record the refund of money it never held; finance can, with the bank reference.
    with pytest.raises(payments.PaymentError):
        payments.mark_refund_sent(refund, by=stall_a.producer.owner, bank_reference="FT123")
    client.force_login(finance)
    url = reverse("orders:refund-sent", kwargs={"number": paid_vietqr.number, "refund_pk": refund.pk})
    assert client.post(url, {"bank_reference": ""}).status_code == 302
    refund.refresh_from_db()
    assert refund.status == "pending"  # no reference, nothing recorded
    assert client.post(url, {"bank_reference": "FT26340123456"}).status_code == 302
    refund.refresh_from_db()
    assert (refund.status, refund.bank_reference, refund.sent_by) == ("succeeded", "FT26340123456", finance)
    paid_vietqr.refresh_from_db()
    assert paid_vietqr.payment_status == Order.PaymentStatus.PARTIALLY_REFUNDED
    group_a.refresh_from_db()
    assert group_a.status == "refunded"
    client.logout()
    html = client.get(paid_vietqr.get_absolute_url()).content.decode()
    assert "FT26340123456" in html
    # Sending it is not a second reversal.
    assert settlement.statement(stall_a, month)["totals"]["net"] == 0


def test_a_part_cancelled_the_next_month_is_reversed_in_that_month(placed_order, stall_with_products, finance):
    stall_a = stall_with_products[0]
    sold_at = timezone.now().replace(day=20, hour=10)
    with time_machine.travel(sold_at, tick=False):
        order = placed_order("vietqr")
        payments.mark_transfer_received(order, by=finance)
    group = order.groups.get(stall=stall_a)
    cancelled_at = sold_at + datetime.timedelta(days=15)
    with time_machine.travel(cancelled_at, tick=False):
        services.cancel_group(group, reason="Khách trả hàng", by=stall_a.producer.owner)
    sale_month, cancel_month = settlement.month_of(sold_at), settlement.month_of(cancelled_at)
    assert sale_month != cancel_month
    sold = settlement.statement(stall_a, sale_month)
    assert sold["totals"]["sale"] + sold["totals"].get("shipping", 0) == group.total and sold["payable"] > 0
    reversed_ = settlement.statement(stall_a, cancel_month)
    assert reversed_["totals"]["refund"] + reversed_["totals"]["shipping"] == -group.total
    assert reversed_["payable"] == -sold["payable"]  # the month of the cancellation takes it all back
    assert tax_row(stall_a, cancel_month)["revenue"] == -tax_row(stall_a, sale_month)["revenue"]
    out = io.StringIO()
    settlement.tax_declaration_csv(cancel_month, out)
    assert f",{-tax_row(stall_a, sale_month)['revenue']}," in out.getvalue()


def test_a_late_transfer_for_an_expired_order_is_owed_back(placed_order, finance, settings):
    order = placed_order("vietqr")
    later = timezone.now() + datetime.timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1)
    services.release_expired_reservations(now=later)
    # Someone bought the units meanwhile.
    for line in order.groups.first().lines.all():
        line.product.__class__.objects.filter(pk=line.product_id).update(stock=0)
    for group in order.groups.all():
        for line in group.lines.all():
            line.product.__class__.objects.filter(pk=line.product_id).update(stock=0)
    payments.mark_transfer_received(order, by=finance)
    order.refresh_from_db()
    refund = Refund.objects.get()
    assert refund.status == "pending" and refund.amount == order.total
    assert order.payment_status == Order.PaymentStatus.REFUND_DUE
