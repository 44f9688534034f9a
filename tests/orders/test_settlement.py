"""Settlement ledger: sales, refunds, tax withheld for household sellers, statements and exports."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from orders import services
from orders.models import LedgerEntry
from orders.settlement import month_of, statement, tax_declaration_rows, withholding
from producers.models import Producer
from tests.factories.orders import PaymentFactory
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "rate", "expected"),
    [
        (410000, "0.01", 4100),
        (410000, "0.005", 2050),
        (150050, "0.005", 750),  # 750.25 → 750
        (100, "0.005", 1),  # 0.5 → 1 (half up)
        (99, "0.005", 0),  # 0.495 → 0
        (150150, "0.01", 1502),  # 1501.5 → 1502
        (-150150, "0.01", -1502),  # symmetric for reversals
        (0, "0.01", 0),
    ],
)
def test_withholding_rounds_half_up_to_the_dong(amount, rate, expected):
    assert withholding(amount, rate) == expected


def ledger(group):
    return dict(LedgerEntry.objects.filter(group=group).values_list("kind", "amount"))


def pay(order, method=None):
    services.mark_paid(order, payment=PaymentFactory(order=order, method=method or order.payment_method))


def test_household_seller_paid_through_the_platform_has_vat_and_pit_withheld(placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    order = placed_order("card")
    pay(order)
    group = order.groups.get(stall=stall_a)
    # Goods 380.000 ₫ withheld at the goods rates; the 30.000 ₫ fee goes to a carrier: not withheld.
    assert ledger(group) == {"sale": 380000, "shipping": 30000, "vat_withheld": -3800, "pit_withheld": -1900}
    assert month_of(timezone.now()) == LedgerEntry.objects.first().month


def test_cooperative_is_not_withheld(placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    Producer.objects.filter(pk=stall_a.producer_id).update(kind=Producer.Kind.COOPERATIVE, tax_code="0101234567")
    order = placed_order("vietqr")
    pay(order)
    assert ledger(order.groups.get(stall=stall_a)) == {"sale": 380000, "shipping": 30000}


def test_rates_come_from_settings(placed_order, stall_with_products, settings):
    settings.TAX_WITHHOLDING_VAT_RATE = "0.02"
    settings.TAX_WITHHOLDING_PIT_RATE = "0.01"
    order = placed_order("vietqr")
    pay(order)
    assert ledger(order.groups.get(stall=stall_with_products[0])) == {
        "sale": 380000,
        "shipping": 30000,
        "vat_withheld": -7600,
        "pit_withheld": -3800,
    }


def test_cod_sale_is_recorded_not_withheld_and_not_payable(placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    order = placed_order("cod")
    group = order.groups.get(stall=stall_a)
    for status, tracking in (("preparing", ""), ("shipped", "T1"), ("delivered", "")):
        services.set_group_status(group, to=status, tracking_number=tracking)
    assert ledger(group) == {"sale": 380000, "shipping": 30000}
    data = statement(stall_a, month_of())
    assert data["totals"]["sale"] == 380000 and data["payable"] == 0


def test_refund_reverses_sale_and_tax_and_the_statement_nets_it(placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    order = placed_order("card")
    payment = PaymentFactory(order=order, method="card")
    services.mark_paid(order, payment=payment)
    group = order.groups.get(stall=stall_a)
    services.record_refund(payment, amount=100000, group=group, provider_id="re_a")
    entries = list(LedgerEntry.objects.filter(group=group, refund__isnull=False).values_list("kind", "amount"))
    assert sorted(entries) == sorted([("refund", -100000), ("vat_withheld", 1000), ("pit_withheld", 500)])
    data = statement(stall_a, month_of())
    (row,) = data["rows"]
    assert row["sale"] == 380000 and row["refund"] == -100000 and row["shipping"] == 30000
    assert row["vat_withheld"] == -2800 and row["pit_withheld"] == -1400
    assert row["net"] == 380000 + 30000 - 100000 - 2800 - 1400 == data["payable"]


def test_statement_page_and_csv_for_the_owner_and_404_for_others(client, placed_order, stall_with_products):
    stall_a, stall_b = stall_with_products[:2]
    owner = UserFactory(groups=[roles.FARMER])
    Producer.objects.filter(pk=stall_a.producer_id).update(owner=owner)
    order = placed_order("vietqr")
    pay(order)
    month = timezone.localdate().strftime("%Y-%m")
    client.force_login(owner)
    url = reverse("orders:statement", args=[stall_a.pk, month])
    page = client.get(url).content.decode()
    assert order.number in page and "380.000 ₫" in page and "30.000 ₫" in page
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "order" and rows[1][0] == order.number and rows[1][3] == "380000" and rows[1][5] == "30000"
    assert rows[-1] == ["PAYABLE", "", "", *[""] * 8, str(410000 - 3800 - 1900)]
    assert client.get(reverse("orders:statement", args=[stall_b.pk, month])).status_code == 404
    assert client.get(reverse("orders:statement", args=[stall_a.pk, "2026-13"])).status_code == 404


def test_tax_declaration_export_is_for_staff_only(client, placed_order, stall_with_products, editor):
    stall_a, stall_b = stall_with_products[:2]
    Producer.objects.filter(pk=stall_b.producer_id).update(kind=Producer.Kind.ENTERPRISE, tax_code="0101234567")
    pay(placed_order("card"))
    month = timezone.localdate().strftime("%Y-%m")
    rows = tax_declaration_rows(month_of())
    assert [(r["stall"], r["revenue"], r["vat"], r["pit"]) for r in rows] == [(stall_a, 380000, 3800, 1900)]
    url = reverse("orders:tax-export", args=[month])
    farmer = UserFactory(groups=[roles.FARMER])
    client.force_login(farmer)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    response = client.get(url)
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:3] == ["month", "seller", "kind"] and len(lines) == 2
    assert lines[1][-6:] == ["380000", "3800", "1900", "0", "0", "0"]


# -- shipping in the ledger (Decree 117/2025: transport rates only when the household delivers) --


def test_a_household_that_delivers_itself_is_withheld_on_the_fee_at_the_transport_rates(
    placed_order, stall_with_products
):
    stall_a = stall_with_products[0]
    order = placed_order("vietqr")
    order.groups.filter(stall=stall_a).update(delivered_by_stall=True)
    pay(order)
    group = order.groups.get(stall=stall_a)
    assert ledger(group) == {
        "sale": 380000,
        "shipping": 30000,
        "vat_withheld": -3800,  # 1 % of the goods
        "pit_withheld": -1900,  # 0,5 % of the goods
        "shipping_vat": -900,  # 3 % of the fee
        "shipping_pit": -450,  # 1,5 % of the fee
    }
    (row,) = [r for r in tax_declaration_rows(month_of()) if r["stall"] == stall_a]
    assert (row["revenue"], row["vat"], row["pit"]) == (380000, 3800, 1900)
    assert (row["transport_revenue"], row["transport_vat"], row["transport_pit"]) == (30000, 900, 450)
    data = statement(stall_a, month_of())
    assert data["payable"] == 410000 - 3800 - 1900 - 900 - 450


def test_checkout_records_that_a_stall_delivers_itself_and_its_fee_is_then_withheld(placed_order, stall_with_products):
    stall_a, stall_b = stall_with_products[:2]
    stall_a.delivers_itself = True
    stall_a.save()
    order = placed_order("vietqr")
    pay(order)
    delivered = dict(order.groups.values_list("stall_id", "delivered_by_stall"))
    assert delivered == {stall_a.pk: True, stall_b.pk: False}
    assert ledger(order.groups.get(stall=stall_a))["shipping_vat"] == -900  # 3 % of the 30.000 ₫ fee
    assert "shipping_vat" not in ledger(order.groups.get(stall=stall_b))
    # Ticking it later changes nothing for an order already placed: the ledger keeps what was agreed.
    stall_b.delivers_itself = True
    stall_b.save()
    assert order.groups.get(stall=stall_b).delivered_by_stall is False


def test_officers_set_whether_a_stall_delivers_itself_in_the_admin(client, stall_with_products):
    from tests.factories.producers import OfficerFactory

    stall = stall_with_products[0]
    officer = OfficerFactory(communes=[stall.commune]).user
    client.force_login(officer)
    page = client.get(reverse("wagtailsnippets_producers_stall:edit", args=[stall.pk])).content.decode()
    assert 'name="delivers_itself"' in page and "tự giao hàng" in page


def test_a_fee_passed_to_a_carrier_is_paid_to_the_stall_but_not_declared(placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    order = placed_order("vietqr")
    pay(order)
    (row,) = [r for r in tax_declaration_rows(month_of()) if r["stall"] == stall_a]
    assert (row["revenue"], row["transport_revenue"], row["transport_vat"]) == (380000, 0, 0)
    assert statement(stall_a, month_of())["payable"] == 410000 - 3800 - 1900


def test_cancelling_a_self_delivered_part_reverses_goods_fee_and_both_taxes(placed_order, stall_with_products):
    stall_a = stall_with_products[0]
    order = placed_order("card")
    order.groups.filter(stall=stall_a).update(delivered_by_stall=True)
    payment = PaymentFactory(order=order, method="card")
    services.mark_paid(order, payment=payment)
    group = order.groups.get(stall=stall_a)
    services.record_refund(payment, amount=group.total, group=group, provider_id="re_all")
    sums = {}
    for kind, amount in LedgerEntry.objects.filter(group=group).values_list("kind", "amount"):
        sums[kind] = sums.get(kind, 0) + amount
    assert sums == {
        "sale": 380000,
        "refund": -380000,
        "shipping": 0,
        "vat_withheld": 0,
        "pit_withheld": 0,
        "shipping_vat": 0,
        "shipping_pit": 0,
    }
    (row,) = [r for r in tax_declaration_rows(month_of()) if r["stall"] == stall_a]
    assert (row["revenue"], row["vat"], row["transport_revenue"], row["transport_vat"]) == (0, 0, 0, 0)
