"""VietQR confirmed by the bank: SePay's bank-transaction webhook (API-key authenticated),
matched by the order reference and the exact amount, idempotent on the bank's transaction id;
mismatches listed for finance. And the CSV import's signed amounts and header spellings."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles
from orders import payments
from orders.models import BankTransaction, Order
from tests.factories.catalog import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db

KEY = "sepay-test-key-123"


@pytest.fixture(autouse=True)
def sepay(settings):
    settings.SEPAY_WEBHOOK_API_KEY = KEY
    settings.PLATFORM_BANK_ACCOUNT = "0011004000000"


def order(total=100000):
    return OrderFactory(
        payment_method="vietqr", items=[(ProductFactory(producer=StallFactory().producer, price=total), 1)]
    )


def notify(client, body, key=KEY):
    headers = {"HTTP_AUTHORIZATION": f"Apikey {key}"} if key else {}
    return client.post(
        reverse("payments:sepay-webhook"), data=json.dumps(body), content_type="application/json", **headers
    )


def transfer(tid, amount, content, account="0011004000000", kind="in"):
    return {
        "id": tid,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-06 08:01:02",
        "accountNumber": account,
        "code": None,
        "content": content,
        "transferType": kind,
        "transferAmount": amount,
        "accumulated": 19077000,
        "subAccount": None,
        "referenceCode": f"FT{tid}",
        "description": f"BankAPINotify {content}",
    }


def test_an_exact_transfer_naming_the_order_pays_it_once(client):
    o = order()
    response = notify(client, transfer(92704, o.total, f"{o.payment_reference} NGUYEN VAN A chuyen tien"))
    assert response.status_code == 200 and response.json() == {"success": True}
    o.refresh_from_db()
    assert o.payment_status == Order.PaymentStatus.PAID
    payment = o.payments.get()
    assert payment.confirmed_by is None and payment.status == "succeeded"
    # SePay retries (or replays) the same transaction: success again, nothing changes.
    assert notify(client, transfer(92704, o.total, o.payment_reference)).json() == {"success": True}
    assert BankTransaction.objects.count() == 1 and o.payments.count() == 1


@pytest.mark.parametrize("key", [None, "wrong", f"{KEY}x"])
def test_an_unauthenticated_notification_changes_nothing(client, key):
    o = order()
    response = notify(client, transfer(1, o.total, o.payment_reference), key=key)
    assert response.status_code == 401
    o.refresh_from_db()
    assert o.payment_status == Order.PaymentStatus.AWAITING and not BankTransaction.objects.exists()


def test_no_key_configured_refuses_everything(client, settings):
    settings.SEPAY_WEBHOOK_API_KEY = ""
    assert notify(client, transfer(1, 1000, "x"), key="").status_code == 401


def test_mismatches_are_recorded_and_listed_for_finance_only(client, finance, stall_with_products):
    short, over, paid = order(), order(), order()
    notify(client, transfer(11, short.total - 10000, f"Thanh toan {short.number}"))
    notify(client, transfer(12, over.total + 5000, over.payment_reference))
    notify(client, transfer(13, 500000, "Tien hang khong ghi ma"))
    notify(client, transfer(14, paid.total, paid.payment_reference, kind="out"))
    notify(client, transfer(15, paid.total, paid.payment_reference, account="999888777"))
    outcomes = dict(BankTransaction.objects.values_list("transaction_id", "outcome"))
    assert outcomes == {"11": "short", "12": "over", "13": "unknown", "14": "ignored", "15": "unknown"}
    for o in (short, over, paid):
        o.refresh_from_db()
        assert o.payment_status == Order.PaymentStatus.AWAITING
    client.force_login(finance)
    html = client.get(reverse("orders:bank-statement")).content.decode()
    assert short.number in html and over.number in html and "Tien hang khong ghi ma" in html
    owner = stall_with_products[0]
    from tests.factories.producers import UserFactory

    owner.producer.owner = UserFactory(groups=[roles.FARMER])
    owner.producer.save()
    client.force_login(owner.producer.owner)
    assert short.number not in client.get(reverse("orders:bank-statement")).content.decode()


def test_a_bad_body_is_refused(client):
    assert notify(client, {"id": 1}).status_code == 400
    assert notify(client, {"id": 1, "transferAmount": "100"}).status_code == 400


def test_statement_csv_reads_signed_amounts_and_detailed_description_headers(finance):
    o = order()
    text = f'Ngày giao dịch,Số tiền (VND),Nội dung chi tiết\n06/12/2026,"+{o.total}",{o.payment_reference} ck\n'
    text += "06/12/2026,-50000,Phi dich vu\n"
    report = payments.match_bank_statement(
        SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv"), by=finance
    )
    assert report.error == ""
    assert [line.order for line in report.matched] == [o]
    assert [line.amount for line in report.lines] == [o.total, -50000]


@pytest.mark.parametrize(
    "text,amount", [("+110750", 110750), ("+110.750", 110750), ("-50.000", -50000), ("(50.000)", -50000)]
)
def test_signed_amounts(text, amount):
    assert payments.parse_amount(text) == amount
