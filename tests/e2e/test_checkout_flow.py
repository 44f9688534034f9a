"""A buyer in headless Chromium at 360 px: browse, put products of two stalls in the cart, check
out, pay with the test card (real localstripe), see the paid order; and a VietQR checkout.

Screenshots: artifacts/screenshots/checkout-*-360.png.

The cart is filled from the product page's add-to-cart form when the page has it
(``orders/_add_to_cart.html``); otherwise the test posts the same form to the cart URL
(``POST /gio-hang/``) from the browser's own session, so it runs before and after the
form is wired into the product page.
"""

import re

import pytest

from orders.models import Order
from tests.factories.catalog import ProductFactory
from tests.factories.producers import CommuneFactory, ProvinceFactory, StallFactory
from tests.orders.localstripe import localstripe, localstripe_server  # noqa: F401

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def shop():
    province = ProvinceFactory(code="96", name="Tỉnh Cà Mau", short_name="Cà Mau", slug="ca-mau")
    commune = CommuneFactory(code="96001", province=province, short_name="Tân Thành", name="Phường Tân Thành")
    stall_a = StallFactory(name="Hợp tác xã Khô cá Cà Mau", province=province, commune=commune, shipping_fee=30000)
    stall_b = StallFactory(name="Hộ kinh doanh Mật ong U Minh", province=province, commune=commune, shipping_fee=25000)
    products = [
        ProductFactory(producer=stall_a.producer, name="Khô cá lóc Cà Mau", price=450000, unit="kg", stock=8),
        ProductFactory(producer=stall_b.producer, name="Mật ong rừng U Minh", price=250000, unit="chai", stock=5),
    ]
    return province, commune, products


def add_to_cart(screen, product, quantity=1):
    page = screen.goto(product.get_absolute_url())
    form = page.locator("form.add-cart")
    if form.count():
        form.locator("input[name=quantity]").fill(str(quantity))
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        return
    # Not wired into the product page yet: the same POST, from this browser's session.
    screen.goto("/tra-cuu-don-hang/")  # a page with a form: sets the CSRF cookie
    token = next(c["value"] for c in screen.context.cookies() if c["name"] == "csrftoken")
    response = screen.context.request.post(
        screen.base_url + "/gio-hang/",
        form={"csrfmiddlewaretoken": token, "action": "add", "product": str(product.pk), "quantity": str(quantity)},
        headers={"Referer": screen.base_url + "/gio-hang/"},
    )
    assert response.ok, response.status


def check_out(screen, province, commune, method):
    page = screen.goto("/thanh-toan/")
    page.fill("input[name=buyer_name]", "Trần Thị Bình")
    page.fill("input[name=buyer_phone]", "0912 345 678")
    page.select_option("select[name=province]", str(province.pk))
    page.click("button[name=refresh]")
    page.wait_for_load_state("load")
    page.select_option("select[name=commune]", str(commune.pk))
    page.fill("input[name=street_address]", "12 Đường Lê Lợi, khóm 3")
    page.check(f"input[name=payment_method][value={method}]")
    screen.shot(f"checkout-form-{method}")
    page.click("button.ord-submit")
    page.wait_for_load_state("load")
    return page


def test_buy_from_two_stalls_and_pay_with_the_test_card(screen, shop, localstripe):  # noqa: F811
    province, commune, products = shop
    s = screen(MOBILE)
    page = s.goto("/")
    for product in products:
        add_to_cart(s, product)
    page = s.goto("/gio-hang/")
    html = page.content()
    assert all(p.name in html for p in products)
    s.shot("checkout-cart")

    page = check_out(s, province, commune, "card")
    assert re.search(r"/don-hang/[^/]+/the/$", page.url), page.url
    order = Order.objects.get()
    assert order.groups.count() == 2 and order.total == 450000 + 250000 + 30000 + 25000
    s.shot("checkout-pay-card")
    assert s.horizontal_overflow() == 0

    page.check("input[name=card][value=success]")
    page.click("button.pay-go")
    page.wait_for_load_state("load")
    assert page.url.endswith(order.get_absolute_url()), page.url
    assert "Đã thanh toán" in page.content()
    s.shot("checkout-paid-order")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert {g.status for g in order.groups.all()} == {"paid"}
    (intent,) = localstripe.payment_intents()
    assert intent["status"] == "succeeded" and intent["amount"] == order.total
    assert s.errors == []


def test_a_declined_test_card_then_the_order_page(screen, shop, localstripe):  # noqa: F811
    province, commune, products = shop
    s = screen(MOBILE)
    add_to_cart(s, products[0])
    page = check_out(s, province, commune, "card")
    page.check("input[name=card][value=declined]")
    page.click("button.pay-go")
    page.wait_for_load_state("load")
    assert "từ chối" in page.content()
    s.shot("checkout-card-declined")
    order = Order.objects.get()
    assert order.payment_status == Order.PaymentStatus.FAILED


def test_vietqr_checkout_shows_the_qr_code(screen, shop):
    province, commune, products = shop
    s = screen(MOBILE)
    add_to_cart(s, products[1], quantity=2)
    page = check_out(s, province, commune, "vietqr")
    assert re.search(r"/don-hang/[^/]+/chuyen-khoan/$", page.url), page.url
    order = Order.objects.get()
    qr = page.locator("svg.vietqr-code")
    assert qr.count() == 1
    box = qr.bounding_box()
    assert box["width"] >= 200 and box["width"] <= 360  # big enough to scan, fits the phone
    html = page.content()
    assert order.number in html or (order.payment_reference or "") in html
    assert "550.000" in html or "525.000" in html  # 2 × 250.000 ₫ + shipping
    s.shot("checkout-vietqr")
    assert s.horizontal_overflow() == 0
    assert order.payment_status in (Order.PaymentStatus.AWAITING, Order.PaymentStatus.UNPAID)
