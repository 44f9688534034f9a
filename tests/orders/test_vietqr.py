"""VietQR: payload test vectors (TLV and CRC checked independently), and the rendered SVG decoded
back to the payload by a small QR decoder written here (reads the SVG's modules, not qrcode's data)."""

import re

import pytest
from vietnam_qr_pay import QRPay

from orders import vietqr
from producers.models import BankAccount
from tests.factories.catalog import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import StallFactory

# -- an independent CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) --


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def expected_payload(bank_bin, account, amount, purpose):
    """EMVCo/NAPAS VietQR, built field by field from the specification."""
    merchant = tlv("00", "A000000727") + tlv("01", tlv("00", bank_bin) + tlv("01", account)) + tlv("02", "QRIBFTTA")
    body = (
        tlv("00", "01")
        + tlv("01", "12")  # dynamic: the amount is set
        + tlv("38", merchant)
        + tlv("53", "704")  # VND
        + tlv("54", str(amount))
        + tlv("58", "VN")
        + tlv("62", tlv("08", purpose))
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def test_crc_implementation_matches_the_published_check_value():
    assert crc16_ccitt_false(b"123456789") == 0x29B1


VECTORS = [
    # bank BIN, account, amount, purpose, the full payload (vector fixed once, checked by hand)
    (
        "970436",
        "0011004000000",
        150000,
        "OCOP2026000123",
        "00020101021238570010A00000072701270006970436011300110040000000208QRIBFTTA"
        "530370454061500005802VN62180814OCOP20260001236304F54D",
    ),
    ("970415", "113366668888", 1250000, "OCOP2026000001", None),
    ("970422", "0123456789012345678", 85000, "ABCDEFGHIJ123456789", None),
]


@pytest.mark.parametrize("bank_bin,account,amount,purpose,literal", VECTORS)
def test_payload_matches_the_specification_and_its_crc(bank_bin, account, amount, purpose, literal):
    payload = vietqr.build_payload(bank_bin=bank_bin, account_number=account, amount=amount, purpose=purpose)
    assert payload == expected_payload(bank_bin, account, amount, purpose)
    if literal:
        assert payload == literal
    assert int(payload[-4:], 16) == crc16_ccitt_false(payload[:-4].encode())
    decoded = QRPay(payload)
    assert decoded.is_valid
    assert (decoded.consumer.bank_bin, decoded.consumer.bank_number) == (bank_bin, account)
    assert decoded.amount == str(amount) and decoded.additional_data.purpose == purpose
    assert decoded.currency == "704" and decoded.nation == "VN"


def test_a_changed_character_breaks_the_crc():
    payload = vietqr.build_payload(bank_bin="970436", account_number="0011004000000", amount=150000, purpose="X1")
    tampered = payload.replace("150000", "950000")
    assert not QRPay(tampered).is_valid


@pytest.mark.parametrize(
    "text,clean",
    [
        ("Đơn hàng OCOP 123", "Don hang OCOP 123"),
        ("OCOP-2026-000123", "OCOP2026000123"),
        ("Thanh toán đơn hàng số 000123 ngay", "Thanh toan don hang"),  # cut at 19, no trailing space
        ("  ", ""),
    ],
)
def test_purpose_is_ascii_without_diacritics_and_at_most_19_characters(text, clean):
    assert vietqr.clean_purpose(text) == clean
    assert len(vietqr.clean_purpose(text)) <= 19
    assert vietqr.clean_purpose(text).isascii()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bank_bin": "97043", "account_number": "1", "amount": 1, "purpose": "A"},
        {"bank_bin": "970436", "account_number": "12 34", "amount": 1, "purpose": "A"},
        {"bank_bin": "970436", "account_number": "1234", "amount": 0, "purpose": "A"},
        {"bank_bin": "970436", "account_number": "1234", "amount": 10, "purpose": "Đơn"},
        {"bank_bin": "970436", "account_number": "1234", "amount": 10, "purpose": "A" * 20},
    ],
)
def test_bad_input_is_refused(kwargs):
    with pytest.raises(ValueError):
        vietqr.build_payload(**kwargs)


# -- decoding the rendered SVG: a minimal QR decoder (versions 1-10, no error correction needed) --

ALIGNMENT = {1: [], 2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34], 7: [6, 22, 38], 8: [6, 24, 42]}
ALIGNMENT.update({9: [6, 26, 46], 10: [6, 28, 50]})
# Level M: (blocks, data codewords per block) from ISO/IEC 18004 table 9.
BLOCKS_M = {
    1: [(1, 16)],
    2: [(1, 28)],
    3: [(1, 44)],
    4: [(2, 32)],
    5: [(2, 43)],
    6: [(4, 27)],
    7: [(4, 31)],
    8: [(2, 38), (2, 39)],
    9: [(3, 36), (2, 37)],
    10: [(4, 43), (1, 44)],
}
MASKS = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
]
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def svg_modules(svg: str) -> list[list[bool]]:
    """The dark modules of qrcode's SvgPathImage: one unit square ``M x,y H.. V.. H.. z`` each."""
    width = int(float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1)))
    dark = {(int(float(x)), int(float(y))) for x, y in re.findall(r"M([\d.]+),([\d.]+)H", svg)}
    xs, ys = [x for x, _ in dark], [y for _, y in dark]
    left, top = min(xs), min(ys)  # the quiet zone; the finder pattern's corner is dark
    size = width - 2 * left
    return [[(left + c, top + r) in dark for c in range(size)] for r in range(size)]


def bch_format(data5: int) -> int:
    value = data5 << 10
    for bit in range(14, 9, -1):
        if value & (1 << bit):
            value ^= 0x537 << (bit - 10)
    return ((data5 << 10) | value) ^ 0x5412


def decode_matrix(m: list[list[bool]]) -> str:
    n = len(m)
    version = (n - 17) // 4
    assert n == 17 + 4 * version and 1 <= version <= 10
    # Format information (copy next to the top-left finder): EC level and mask.
    cells = [(8, c) for c in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(r, 8) for r in range(5, -1, -1)]
    bits = 0
    for r, c in cells:
        bits = (bits << 1) | m[r][c]
    data5 = next(d for d in range(32) if bch_format(d) == bits)
    ec_level, mask = data5 >> 3, data5 & 7
    assert ec_level == 0b00, "the code is rendered at level M"
    # Function patterns: never data.
    func = [[False] * n for _ in range(n)]

    def region(x, y, w, h):
        for r in range(y, y + h):
            for c in range(x, x + w):
                func[r][c] = True

    region(0, 0, 9, 9)
    region(n - 8, 0, 8, 9)
    region(0, n - 8, 9, 8)
    centers = ALIGNMENT[version]
    for a, x in enumerate(centers):
        for b, y in enumerate(centers):
            last = len(centers) - 1
            if (a, b) in ((0, 0), (0, last), (last, 0)):
                continue
            region(x - 2, y - 2, 5, 5)
    region(6, 9, 1, n - 17)
    region(9, 6, n - 17, 1)
    if version >= 7:
        region(n - 11, 0, 3, 6)
        region(0, n - 11, 6, 3)
    # Data bits, in the zigzag order, unmasked.
    stream = []
    up = True
    col = n - 1
    while col > 0:
        if col == 6:
            col -= 1
        for count in range(n):
            row = n - 1 - count if up else count
            for c in (col, col - 1):
                if not func[row][c]:
                    stream.append(m[row][c] ^ MASKS[mask](row, c))
        up = not up
        col -= 2
    codewords = [int("".join(map(str, map(int, stream[i : i + 8]))), 2) for i in range(0, len(stream) - 7, 8)]
    # De-interleave the data codewords of the blocks.
    sizes = [size for count, size in BLOCKS_M[version] for _ in range(count)]
    blocks = [[] for _ in sizes]
    index = 0
    for i in range(max(sizes)):
        for b, size in enumerate(sizes):
            if i < size:
                blocks[b].append(codewords[index])
                index += 1
    data = [byte for block in blocks for byte in block]
    bitstr = "".join(f"{byte:08b}" for byte in data)
    # Segments: numeric, alphanumeric, byte; until the terminator.
    out, pos = [], 0

    def take(k):
        nonlocal pos
        value = int(bitstr[pos : pos + k], 2)
        pos += k
        return value

    while pos + 4 <= len(bitstr):
        mode = take(4)
        if mode == 0:
            break
        if mode == 0b0001:
            count = take(10)
            while count >= 3:
                out.append(f"{take(10):03d}")
                count -= 3
            if count == 2:
                out.append(f"{take(7):02d}")
            elif count == 1:
                out.append(f"{take(4):01d}")
        elif mode == 0b0010:
            count = take(9)
            while count >= 2:
                value = take(11)
                out.append(ALNUM[value // 45] + ALNUM[value % 45])
                count -= 2
            if count:
                out.append(ALNUM[take(6)])
        elif mode == 0b0100:
            count = take(8)
            out.append(bytes(take(8) for _ in range(count)).decode("utf-8"))
        else:
            raise AssertionError(f"unexpected mode {mode:04b}")
    return "".join(out)


@pytest.mark.parametrize("bank_bin,account,amount,purpose,_literal", VECTORS)
def test_rendered_svg_decodes_back_to_the_payload(bank_bin, account, amount, purpose, _literal):
    payload = vietqr.build_payload(bank_bin=bank_bin, account_number=account, amount=amount, purpose=purpose)
    svg = vietqr.render_svg(payload)
    assert svg.startswith("<svg ") and 'role="img"' in svg and "<?xml" not in svg
    assert decode_matrix(svg_modules(svg)) == payload


def test_decoder_reads_a_byte_mode_text_too():
    svg = vietqr.render_svg("thanh toan don hang: ocop 2026")  # lower case: byte mode
    assert decode_matrix(svg_modules(svg)) == "thanh toan don hang: ocop 2026"


# -- which account receives the money --


@pytest.mark.django_db
def test_orders_are_paid_to_the_platform_account_by_default(settings):
    order = OrderFactory(payment_method="vietqr")
    payload = vietqr.payload_for(order)
    decoded = QRPay(payload)
    assert decoded.consumer.bank_bin == settings.PLATFORM_BANK_BIN
    assert decoded.consumer.bank_number == settings.PLATFORM_BANK_ACCOUNT
    assert decoded.amount == str(order.total)
    assert decoded.additional_data.purpose == order.payment_reference
    assert vietqr.beneficiary_for(order).collected_by == "platform"


@pytest.mark.django_db
def test_a_single_stall_order_collected_by_the_stall_goes_to_its_own_account():
    stall = StallFactory()
    BankAccount.objects.create(
        producer=stall.producer, bank_bin="970415", account_number="113366668888", account_holder="NGUYEN VAN AN"
    )
    order = OrderFactory(payment_method="vietqr", items=[(ProductFactory(producer=stall.producer), 1)])
    order.groups.update(collected_by="stall")
    decoded = QRPay(vietqr.payload_for(order))
    assert (decoded.consumer.bank_bin, decoded.consumer.bank_number) == ("970415", "113366668888")
    beneficiary = vietqr.beneficiary_for(order)
    assert beneficiary.collected_by == "stall" and beneficiary.account_holder == "NGUYEN VAN AN"


@pytest.mark.django_db
def test_reference_falls_back_to_the_order_number_without_dashes():
    order = OrderFactory(payment_method="vietqr", payment_reference=None)
    assert vietqr.reference_for(order) == order.number.replace("-", "")


# -- the page --


@pytest.mark.django_db
def test_vietqr_page_shows_the_code_amount_account_and_reference(client, settings, django_assert_max_num_queries):
    from django.urls import reverse

    order = OrderFactory(payment_method="vietqr")
    url = reverse("orders:pay-vietqr", kwargs={"token": order.access_token})
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert decode_matrix(svg_modules(svg)) == vietqr.payload_for(order)
    assert settings.PLATFORM_BANK_ACCOUNT in html and order.payment_reference in html
    assert f"{order.total:,}".replace(",", ".") in html


@pytest.mark.django_db
def test_vietqr_page_of_an_expired_or_other_order(client):
    from django.urls import reverse

    expired = OrderFactory(payment_method="vietqr", reserved_until="2020-01-01T00:00:00Z")
    response = client.get(reverse("orders:pay-vietqr", kwargs={"token": expired.access_token}))
    assert response.status_code == 200 and "<svg" not in response.content.decode()
    cod = OrderFactory(payment_method="cod")
    response = client.get(reverse("orders:pay-vietqr", kwargs={"token": cod.access_token}))
    assert response.status_code == 302 and response["Location"] == cod.get_absolute_url()
    assert client.get(reverse("orders:pay-vietqr", kwargs={"token": "nope"})).status_code == 404
