"""Optional buyer accounts: sign in by phone with a one-time code, see one's own orders and saved
addresses, check out with them prefilled; checkout without an account stays as it was."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import throttle
from orders import buyer_accounts
from orders.models import BuyerAccount, BuyerAddress, Order, SignInCode
from tests.factories.orders import OrderFactory
from tests.factories.producers import CommuneFactory
from tests.test_throttling import assert_throttled, from_address

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("orders:account-sign-in")
CODE = reverse("orders:account-code")
ACCOUNT = reverse("orders:account")
SIGN_OUT = reverse("orders:account-sign-out")
CHECKOUT = reverse("orders:checkout")


@pytest.fixture(autouse=True)
def _codes_leave_at_once(monkeypatch):
    """Nothing commits inside a test's transaction: the code is sent when the view's would have."""
    from core.notify import send_now

    monkeypatch.setattr(buyer_accounts, "notify_on_commit", send_now)


def test_the_code_leaves_only_once_the_transaction_commits(
    monkeypatch, notify_outbox, django_capture_on_commit_callbacks
):
    from core.notify import notify_on_commit

    monkeypatch.setattr(buyer_accounts, "notify_on_commit", notify_on_commit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        buyer_accounts.sign_in_code_send(phone="+84912345678")
        assert not notify_outbox
    assert len(callbacks) == 1 and notify_outbox[0].phone == "+84912345678"


def last_code(outbox) -> str:
    message = outbox[-1]
    assert "buyer-sign-in" in message.tags
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def sign_in(client, outbox, phone="0912 345 678"):
    response = client.post(SIGN_IN, {"phone": phone})
    assert response.status_code == 302 and response["Location"].startswith(CODE)
    response = client.post(CODE, {"code": last_code(outbox)})
    assert response.status_code == 302
    return response


@pytest.fixture
def her_orders():
    """Two orders placed with Bình's phone (typed two ways, stored alike) and one with another phone."""
    first = OrderFactory(buyer_phone="+84912345678", buyer_name="Trần Thị Bình")
    second = OrderFactory(buyer_phone="+84912345678", buyer_name="Trần Thị Bình")
    other = OrderFactory(buyer_phone="+84987654321", buyer_name="Lê Văn Cường")
    return first, second, other


def test_a_buyer_signs_in_with_the_code_texted_to_her_and_sees_all_her_orders(client, notify_outbox, her_orders):
    first, second, other = her_orders
    response = client.post(SIGN_IN, {"phone": "0912 345 678"})
    assert response["Location"] == CODE
    message = notify_outbox[-1]
    assert message.phone == "+84912345678" and not message.email
    assert "mã đăng nhập OCOP Market" in message.body and "5 phút" in message.body
    page = client.get(CODE).content.decode()
    assert "0912 345 678" in page and 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page

    response = client.post(CODE, {"code": last_code(notify_outbox)})
    assert response["Location"] == ACCOUNT
    html = client.get(ACCOUNT).content.decode()
    assert "Đã đăng nhập bằng số <b>0912 345 678</b>." in html
    assert first.number in html and second.number in html
    assert other.number not in html
    assert first.get_absolute_url() in html
    # The place the reviews written with this phone will be listed in, empty until wired.
    assert "Đơn hàng của tôi" in html and "Địa chỉ đã lưu" in html


def test_the_code_is_stored_only_as_a_hash(client, notify_outbox):
    client.post(SIGN_IN, {"phone": "0912345678"})
    code = last_code(notify_outbox)
    row = SignInCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=5)


def test_a_wrong_code_says_so_next_to_the_field_and_keeps_the_tries_counted(client, notify_outbox):
    client.post(SIGN_IN, {"phone": "0912345678"})
    code = last_code(notify_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mã không đúng. Hãy xem lại tin nhắn và nhập lại (còn 4 lần thử)." in html
    assert f'value="{wrong}"' in html  # what was typed stays
    response = client.post(CODE, {"code": "12a45"})
    assert "Mã gồm 6 chữ số." in response.content.decode()
    assert client.get(ACCOUNT)["Location"].startswith(SIGN_IN)


def test_after_five_wrong_codes_even_the_right_one_is_refused(client, notify_outbox):
    client.post(SIGN_IN, {"phone": "0912345678"})
    code = last_code(notify_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(buyer_accounts.MAX_ATTEMPTS):
        client.post(CODE, {"code": wrong})
    response = client.post(CODE, {"code": code})
    assert "Nhập sai quá nhiều lần: hãy xin mã mới." in response.content.decode()
    assert not BuyerAccount.objects.exists()


def test_a_code_expires_after_five_minutes_and_a_new_one_replaces_the_old(client, notify_outbox):
    client.post(SIGN_IN, {"phone": "0912345678"})
    old = last_code(notify_outbox)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5, seconds=1)):
        response = client.post(CODE, {"code": old})
        assert "Mã này đã hết hạn hoặc đã được dùng: hãy xin mã mới." in response.content.decode()
        response = client.post(CODE, {"resend": "1"}, follow=True)
        assert "Mã mới đang được gửi tới. Mã trước không còn dùng được." in response.content.decode()
        new = last_code(notify_outbox)
        if new != old:
            assert "Mã không đúng" in client.post(CODE, {"code": old}).content.decode()
        assert client.post(CODE, {"code": new})["Location"] == ACCOUNT


def test_a_code_works_once(client, notify_outbox):
    sign_in(client, notify_outbox)
    code = last_code(notify_outbox)
    other = Client()
    other.post(SIGN_IN, {"phone": "0999 999 999"})  # someone else's pending sign-in
    session = other.session
    session[buyer_accounts.PENDING_PHONE_KEY] = "+84912345678"
    session.save()
    response = other.post(CODE, {"code": code})
    assert "đã hết hạn hoặc đã được dùng" in response.content.decode()


def test_the_answer_never_tells_whether_a_phone_has_ordered(notify_outbox, her_orders):
    known = from_address("10.1.0.1").post(SIGN_IN, {"phone": "0912345678"})
    unknown = from_address("10.1.0.2").post(SIGN_IN, {"phone": "0911111111"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(notify_outbox) == 2  # a code goes to both: any phone may start an account


def test_an_invalid_phone_is_refused_next_to_the_field(client, notify_outbox):
    response = client.post(SIGN_IN, {"phone": "12345"})
    html = response.content.decode()
    assert response.status_code == 200 and "Số điện thoại chưa đúng." in html
    assert 'value="12345"' in html and not notify_outbox


def test_codes_sent_to_one_phone_are_limited_whatever_the_address(notify_outbox):
    for i in range(throttle.BUYER_CODE_BY_PHONE.count):
        assert from_address(f"10.2.0.{i}").post(SIGN_IN, {"phone": "0912345678"}).status_code == 302
    assert_throttled(from_address("10.2.1.1").post(SIGN_IN, {"phone": "0912 345 678"}))
    assert len(notify_outbox) == throttle.BUYER_CODE_BY_PHONE.count


def test_codes_sent_from_one_address_are_limited():
    client = from_address("10.3.0.1")
    for i in range(throttle.BUYER_CODE_BY_CLIENT.count):
        assert client.post(SIGN_IN, {"phone": f"09123{i:05d}"}).status_code == 302
    assert_throttled(client.post(SIGN_IN, {"phone": "0912399999"}))


def test_wrong_codes_for_one_phone_are_limited_across_codes_and_addresses(notify_outbox):
    wrong = 0
    address = 0
    while wrong < throttle.BUYER_VERIFY_BY_PHONE.count:
        address += 1
        client = from_address(f"10.4.0.{address}")
        client.post(SIGN_IN, {"phone": "0912345678"})
        code = last_code(notify_outbox)
        bad = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(min(buyer_accounts.MAX_ATTEMPTS - 1, throttle.BUYER_VERIFY_BY_PHONE.count - wrong)):
            assert client.post(CODE, {"code": bad}).status_code == 200
            wrong += 1
    client = from_address("10.4.1.1")
    session = client.session
    session[buyer_accounts.PENDING_PHONE_KEY] = "+84912345678"
    session.save()
    assert_throttled(client.post(CODE, {"code": last_code(notify_outbox)}))


def test_another_buyer_sees_only_their_own_orders_and_cannot_remove_her_addresses(notify_outbox, her_orders):
    first, _second, other = her_orders
    her = Client()
    sign_in(her, notify_outbox, "0912345678")
    mine = BuyerAddress.objects.create(
        account=BuyerAccount.objects.get(phone="+84912345678"),
        recipient_name="Trần Thị Bình",
        phone="+84912345678",
        province=(commune := CommuneFactory()).province,
        commune=commune,
        street_address="12 Lê Lợi",
    )
    him = Client()
    sign_in(him, notify_outbox, "0987 654 321")
    html = him.get(ACCOUNT).content.decode()
    assert other.number in html and first.number not in html and "12 Lê Lợi" not in html
    response = him.post(reverse("orders:account-address-delete", args=[mine.pk]))
    assert response.status_code == 404
    assert BuyerAddress.objects.filter(pk=mine.pk).exists()
    assert him.get(f"{CHECKOUT}?dia-chi={mine.pk}").status_code in (200, 302)


def test_a_signed_in_buyer_is_no_user_and_never_reaches_the_admin(client, notify_outbox):
    sign_in(client, notify_outbox)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_sign_in_changes_the_session_key_and_sign_out_needs_a_post_with_csrf(notify_outbox):
    client = Client(enforce_csrf_checks=True)
    page = client.get(SIGN_IN)
    token = page.cookies["csrftoken"].value
    client.post(SIGN_IN, {"phone": "0912345678", "csrfmiddlewaretoken": token})
    before = client.session.session_key
    assert client.post(CODE, {"code": last_code(notify_outbox)}).status_code == 403  # no token
    response = client.post(CODE, {"code": last_code(notify_outbox), "csrfmiddlewaretoken": token})
    assert response["Location"] == ACCOUNT
    assert client.session.session_key != before
    assert client.get(SIGN_OUT).status_code == 405
    assert client.post(SIGN_OUT).status_code == 403
    assert client.get(ACCOUNT).status_code == 200
    token = client.cookies["csrftoken"].value
    assert client.post(SIGN_OUT, {"csrfmiddlewaretoken": token})["Location"] == SIGN_IN
    assert client.get(ACCOUNT)["Location"].startswith(SIGN_IN)


def test_sign_out_keeps_the_cart(client, notify_outbox, stall_with_products):
    _a, _b, (a1, _a2), _ = stall_with_products
    client.post(reverse("orders:cart"), {"product": a1.pk, "quantity": 2})
    sign_in(client, notify_outbox)
    client.post(SIGN_OUT)
    assert client.get(CHECKOUT).status_code == 200


def test_anonymous_checkout_needs_no_account(client, stall_with_products, buyer_address):
    _a, _b, (a1, _a2), _ = stall_with_products
    client.post(reverse("orders:cart"), {"product": a1.pk, "quantity": 1})
    html = client.get(CHECKOUT).content.decode()
    assert "Không cần tài khoản." in html and 'name="save_address"' not in html
    data = {**buyer_address, "province": buyer_address["province"].pk, "commune": buyer_address["commune"].pk}
    response = client.post(CHECKOUT, {**data, "payment_method": "cod"})
    assert response.status_code == 302
    assert Order.objects.count() == 1 and not BuyerAddress.objects.exists()


def test_checkout_while_signed_in_prefills_and_saves_the_address(client, notify_outbox, stall_with_products):
    _a, _b, (a1, a2), _ = stall_with_products
    commune = CommuneFactory()
    sign_in(client, notify_outbox)
    client.post(reverse("orders:cart"), {"product": a1.pk, "quantity": 1})
    html = client.get(CHECKOUT).content.decode()
    assert "Đã đăng nhập bằng số 0912 345 678." in html
    assert 'value="0912 345 678"' in html and 'name="save_address"' in html
    data = {
        "buyer_name": "Trần Thị Bình",
        "buyer_phone": "0912 345 678",
        "province": commune.province.pk,
        "commune": commune.pk,
        "street_address": "12 Lê Lợi",
        "payment_method": "cod",
        "save_address": "on",
    }
    assert client.post(CHECKOUT, data).status_code == 302
    address = BuyerAddress.objects.get()
    assert (address.recipient_name, address.street_address, address.commune) == ("Trần Thị Bình", "12 Lê Lợi", commune)

    # The next checkout starts from it.
    client.post(reverse("orders:cart"), {"product": a2.pk, "quantity": 1})
    form = client.get(CHECKOUT).context["form"]
    assert form.initial["buyer_name"] == "Trần Thị Bình" and form.initial["street_address"] == "12 Lê Lợi"
    assert form.initial["commune"] == commune.pk and form.province_chosen
    assert client.post(CHECKOUT, {**data, "save_address": ""}).status_code == 302
    assert BuyerAddress.objects.count() == 1
    assert Order.objects.filter(buyer_phone="+84912345678").count() == 2


def test_a_saved_address_can_be_picked_and_removed(client, notify_outbox, stall_with_products):
    _a, _b, (a1, _a2), _ = stall_with_products
    sign_in(client, notify_outbox)
    account = BuyerAccount.objects.get()
    c1, c2 = CommuneFactory(), CommuneFactory()
    home = BuyerAddress.objects.create(
        account=account,
        recipient_name="Bình",
        phone="+84912345678",
        province=c1.province,
        commune=c1,
        street_address="Nhà",
    )
    BuyerAddress.objects.create(
        account=account,
        recipient_name="Mẹ",
        phone="+84911111111",
        province=c2.province,
        commune=c2,
        street_address="Quê",
    )
    client.post(reverse("orders:cart"), {"product": a1.pk, "quantity": 1})
    form = client.get(f"{CHECKOUT}?dia-chi={home.pk}").context["form"]
    assert form.initial["street_address"] == "Nhà"
    response = client.post(reverse("orders:account-address-delete", args=[home.pk]), follow=True)
    assert "Đã xóa địa chỉ khỏi tài khoản của bạn." in response.content.decode()
    assert list(BuyerAddress.objects.values_list("street_address", flat=True)) == ["Quê"]


def test_the_account_page_reads_in_a_fixed_number_of_queries(client, notify_outbox, django_assert_max_num_queries):
    for _ in range(15):
        OrderFactory(buyer_phone="+84912345678")
    sign_in(client, notify_outbox)
    # Session, account, count, orders, their stall parts, addresses, reviews; the rest is the
    # site's chrome (settings, menu, policies), cached after the first page. As many for 1 order as for 15.
    with django_assert_max_num_queries(14):
        response = client.get(ACCOUNT)
    assert response.content.decode().count('class="ord-stall"') == 15


def test_the_account_pages_are_in_english_too(client, notify_outbox):
    html = client.get("/en/tai-khoan/dang-nhap/").content.decode()
    assert "Sign in to see your orders" in html and "Send me a code" in html
