"""Confirming transfers: by hand ("transfer received") and by a bank statement CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles
from orders import payments
from orders.models import Order, Payment
from tests.factories.catalog import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stall(commune):
    return StallFactory(commune=commune, province=commune.province, producer__owner=UserFactory(groups=[roles.FARMER]))


def vietqr_order(stall, price=100000, quantity=1, collected_by="stall", **kwargs):
    """A VietQR order paid to the stall's own account (``collected_by="platform"``: the platform's)."""
    order = OrderFactory(
        payment_method="vietqr", items=[(ProductFactory(producer=stall.producer, price=price), quantity)], **kwargs
    )
    order.groups.update(collected_by=collected_by)
    return order


def upload(text, name="saoke.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_statement_lines_are_matched_by_reference_and_amount(officer, stall, notify_outbox):
    matched = vietqr_order(stall)
    by_number = vietqr_order(stall)
    short = vietqr_order(stall)
    paid = vietqr_order(stall, paid=True)
    elsewhere = vietqr_order(StallFactory())  # a commune the officer does not serve
    dotted = f"{matched.total:,}".replace(",", ".")  # "100.000", as Vietnamese banks print it
    csv_text = (
        "Ngày,Số tiền,Nội dung\n"
        f'25/11/2026,"{dotted}",CT DEN:0123 {matched.payment_reference} NGUYEN VAN A chuyen tien\n'
        f"25/11/2026,{by_number.total},Thanh toan don {by_number.number}\n"
        f"25/11/2026,{short.total - 10000},{short.payment_reference}\n"
        f"25/11/2026,{paid.total},{paid.payment_reference}\n"
        f"25/11/2026,{elsewhere.total},{elsewhere.payment_reference}\n"
        "25/11/2026,500000,Tien hang khong ghi ma\n"
        "25/11/2026,abc,Sai so tien\n"
    )
    report = payments.match_bank_statement(upload(csv_text), by=officer)
    assert report.error == ""
    assert [line.order for line in report.matched] == [matched, by_number]
    assert [(line.order, line.amount, line.expected) for line in report.mismatches] == [
        (short, short.total - 10000, short.total)
    ]
    assert [line.order for line in report.already_paid] == [paid]
    assert len(report.unknown) == 3  # another commune's order, no reference, unreadable amount
    for order, status in [(matched, "paid"), (by_number, "paid"), (short, "awaiting"), (elsewhere, "awaiting")]:
        order.refresh_from_db()
        assert order.payment_status == status
    payment = matched.payments.get()
    assert payment.method == "vietqr" and payment.confirmed_by == officer and payment.status == "succeeded"


def test_uploading_the_same_statement_twice_pays_once(officer, stall):
    order = vietqr_order(stall)
    text = f"Số tiền;Nội dung\n{order.total};{order.payment_reference}\n"  # semicolons, as Excel saves it
    first = payments.match_bank_statement(upload(text), by=officer)
    second = payments.match_bank_statement(upload(text), by=officer)
    assert len(first.matched) == 1 and len(second.already_paid) == 1 and not second.matched
    assert Payment.objects.filter(order=order, status="succeeded").count() == 1


@pytest.mark.parametrize(
    "text,encoding,message",
    [
        ("", "utf-8", "trống"),
        ("Ngày,Ghi chú\n1,2\n", "utf-8", "Dòng đầu"),
        ("Số tiền,Nội dung\n1,Đơn\n", "utf-16", "UTF-8"),
    ],
)
def test_unreadable_statements_are_explained(officer, text, encoding, message):
    report = payments.match_bank_statement(upload(text, encoding=encoding), by=officer)
    assert message in report.error


@pytest.mark.parametrize(
    "text,amount",
    [
        ("1.250.000", 1250000),
        ("1,250,000", 1250000),
        ("1250000", 1250000),
        ("1250000.00", 1250000),
        ("1.250.000 VND", 1250000),
        ("12,5", None),
        ("", None),
    ],
)
def test_amounts_as_banks_write_them(text, amount):
    assert payments.parse_amount(text) == amount


# -- the pages --


def test_officer_uploads_a_statement_on_the_page(client, officer, stall):
    order = vietqr_order(stall)
    client.force_login(officer)
    url = reverse("orders:bank-statement")
    assert client.get(url).status_code == 200
    text = f"Amount,Description\n{order.total},{order.payment_reference}\n"
    response = client.post(url, {"statement": upload(text)})
    assert response.status_code == 200
    assert order.number in response.content.decode()
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID


def test_a_file_that_is_not_csv_is_refused(client, officer, stall):
    client.force_login(officer)
    response = client.post(
        reverse("orders:bank-statement"), {"statement": SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf")}
    )
    assert response.status_code == 400 and ".csv" in response.content.decode()


def test_someone_with_no_stall_cannot_open_the_statement_page(client):
    client.force_login(UserFactory())
    assert client.get(reverse("orders:bank-statement")).status_code == 404


def test_owner_marks_a_transfer_received(client, stall, notify_outbox):
    order = vietqr_order(stall)
    client.force_login(stall.producer.owner)
    response = client.post(reverse("orders:mark-received", kwargs={"number": order.number}))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    # Twice: still one payment.
    client.post(reverse("orders:mark-received", kwargs={"number": order.number}))
    assert order.payments.filter(status="succeeded").count() == 1


def test_an_owner_of_one_stall_cannot_confirm_a_two_stall_order(client, stall):
    other = StallFactory()
    order = OrderFactory(
        payment_method="vietqr",
        items=[(ProductFactory(producer=stall.producer), 1), (ProductFactory(producer=other.producer), 1)],
    )
    order.groups.update(collected_by="stall")
    client.force_login(stall.producer.owner)
    assert client.post(reverse("orders:mark-received", kwargs={"number": order.number})).status_code == 404
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.AWAITING


def test_card_orders_cannot_be_marked_paid_by_hand(client, editor):
    order = OrderFactory(payment_method="card", payment_status="unpaid")
    client.force_login(editor)
    response = client.post(reverse("orders:mark-received", kwargs={"number": order.number}), follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.UNPAID


def test_get_is_not_allowed_on_actions(client, editor, stall):
    order = vietqr_order(stall)
    client.force_login(editor)
    assert client.get(reverse("orders:mark-received", kwargs={"number": order.number})).status_code == 405
