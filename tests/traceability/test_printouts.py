"""The printed QR kit, read back by an independent decoder (zxing-cpp) from rasterised PDFs."""

import io

import pypdfium2
import pytest
import qrcode
import zxingcpp
from django.urls import reverse

from core import roles
from producers.models import BankAccount
from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.producers import UserFactory
from tests.factories.traceability import published_batch
from traceability import pdf
from traceability.codes import trace_url
from traceability.vietqr import product_payload, static_payload

pytestmark = pytest.mark.django_db


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), written here from the EMVCo spec, not the library's."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def emv_fields(payload: str) -> dict[str, str]:
    fields, i = {}, 0
    while i < len(payload):
        tag, length = payload[i : i + 2], int(payload[i + 2 : i + 4])
        fields[tag] = payload[i + 4 : i + 4 + length]
        i += 4 + length
    return fields


def assert_crc_ok(payload: str) -> None:
    assert payload[-8:-4] == "6304"
    assert int(payload[-4:], 16) == crc16_ccitt_false(payload[:-4].encode())


def decode_pdf(body: bytes, *, page: int = 0, scale: float = 300 / 72) -> list[str]:
    document = pypdfium2.PdfDocument(body)
    image = document[page].render(scale=scale).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def page_count(body: bytes) -> int:
    return len(pypdfium2.PdfDocument(body))


@pytest.fixture
def owner_batch():
    farmer = UserFactory(groups=[roles.FARMER])
    product = ProductFactory(name="Mật ong hoa nhãn Hưng Yên loại đặc biệt")
    product.producer.owner = farmer
    product.producer.save()
    OcopCertificateFactory(product=product, stars=4)
    return farmer, published_batch(product=product, code="MO-2025-07")


@pytest.mark.parametrize(("layout", "per_page"), [("3x8", 24), ("4x10", 40)])
def test_every_stamp_of_a_sheet_decodes_to_the_trace_url(owner_batch, layout, per_page):
    _farmer, batch = owner_batch
    stamp = pdf.Stamp(trace_url(batch), batch.product.name, batch.code, batch.trace_code, 4)
    body = pdf.stamp_sheet(stamp, count=per_page + 1, layout=pdf.LAYOUTS[layout])
    assert page_count(body) == 2  # one more than a sheet holds: a second page
    decoded = decode_pdf(body)
    assert len(decoded) == per_page
    assert set(decoded) == {f"http://testserver/truy-xuat/{batch.trace_code}/"}
    assert decode_pdf(body, page=1) == [trace_url(batch)]


def test_a_gtin_batch_prints_its_gs1_digital_link(owner_batch):
    batch = published_batch(product=owner_batch[1].product, code="G1", gtin="8935049500018")
    stamp = pdf.Stamp(trace_url(batch), batch.product.name, batch.code, batch.trace_code, None)
    decoded = decode_pdf(pdf.stamp_sheet(stamp, count=3, layout=pdf.LAYOUTS["4x10"]))
    assert decoded == [f"http://testserver/01/08935049500018/10/{batch.trace_code}"] * 3


def test_household_downloads_stamps_and_zero_stamps_are_refused(client, owner_batch):
    farmer, batch = owner_batch
    client.force_login(farmer)
    url = reverse("traceability:stamps", args=[batch.pk])
    response = client.get(url, {"layout": "3x8", "count": 5})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert decode_pdf(response.content) == [trace_url(batch)] * 5
    refused = client.get(url, {"layout": "3x8", "count": 0})
    assert refused.status_code == 400
    assert "Hãy in ít nhất một tem." in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")


def test_stamps_of_another_producer_are_a_404(client, owner_batch):
    _farmer, batch = owner_batch
    client.force_login(UserFactory(groups=[roles.FARMER]))
    assert client.get(reverse("traceability:stamps", args=[batch.pk]), {"layout": "3x8", "count": 5}).status_code == 404


@pytest.fixture
def stall_with_account(owner_batch):
    farmer, batch = owner_batch
    producer = batch.product.producer
    account = BankAccount.objects.create(
        producer=producer, bank_bin="970436", account_number="0011001234567", account_holder="NGUYEN VAN AN"
    )
    return farmer, producer.stall, account


@pytest.mark.parametrize("size", ["a5", "a4"])
def test_stall_sign_pays_the_stall_account_with_the_amount_left_to_the_payer(client, stall_with_account, size):
    farmer, stall, account = stall_with_account
    client.force_login(farmer)
    response = client.get(reverse("traceability:payment-sign", args=[stall.pk]), {"size": size})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (payload,) = decode_pdf(response.content, scale=150 / 72)
    assert payload == static_payload(account)
    assert_crc_ok(payload)
    fields = emv_fields(payload)
    assert fields["01"] == "11"  # static: the payer types the amount
    assert "54" not in fields
    merchant = emv_fields(fields["38"])
    assert merchant["00"] == "A000000727"
    consumer = emv_fields(merchant["01"])
    assert consumer == {"00": "970436", "01": "0011001234567"}


def test_another_household_cannot_print_the_stall_sign(client, stall_with_account):
    _farmer, stall, _account = stall_with_account
    client.force_login(UserFactory(groups=[roles.FARMER]))
    assert client.get(reverse("traceability:payment-sign", args=[stall.pk])).status_code == 404


def test_product_page_vietqr_for_the_price_only_where_the_stall_opts_in(client, stall_with_account):
    farmer, stall, account = stall_with_account
    product = stall.producer.products.get()
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Thanh toán cho gian hàng bằng VietQR" not in page
    client.force_login(farmer)
    client.post(reverse("traceability:payment-qr-choice", args=[stall.pk]), {"on_product_pages": "1"})
    client.logout()
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Thanh toán cho gian hàng bằng VietQR" in page and '<svg role="img"' in page
    # The payload it shows: the stall's account, the product's price, a valid CRC.
    payload = product_payload(account, amount=product.price, purpose=f"OCOP {product.pk}")
    image = qrcode.make(payload, border=4).get_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    (decoded,) = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == payload
    assert_crc_ok(payload)
    fields = emv_fields(payload)
    assert fields["01"] == "12" and fields["54"] == str(product.price)
    assert emv_fields(emv_fields(fields["38"])["01"]) == {"00": "970436", "01": "0011001234567"}
