"""A real card typed into the card element (localstripe's Stripe.js stand-in) in headless
Chromium at 360 px: the number goes to the provider, the site gets the card's id and the order
is paid. Screenshots: artifacts/screenshots/card-element-*-360.png."""

import pytest

from orders.models import Order
from tests.orders.conftest import buyer_address, stall_with_products  # noqa: F401
from tests.orders.localstripe import localstripe, localstripe_server  # noqa: F401

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def card_order(stall_with_products, buyer_address):  # noqa: F811
    from orders.services import place_order

    _a, _b, (a1, _a2), _ = stall_with_products
    return place_order({a1.pk: 1}, {**buyer_address, "payment_method": "card"})


def test_a_card_typed_into_the_element_pays_the_order(screen, localstripe, card_order):  # noqa: F811
    s = screen(MOBILE)
    posted = []
    s.page.on("request", lambda r: r.method == "POST" and posted.append((r.url, r.post_data or "")))
    page = s.goto(f"/don-hang/{card_order.access_token}/the/")
    csp = page.evaluate("() => document.querySelector('#card-form') !== null")
    assert csp
    page.wait_for_selector("#card-element input")
    page.fill("#card-element input[placeholder=number]", "4242424242424242")
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "34")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "70000")
    s.shot("card-element-typed")
    assert s.horizontal_overflow() == 0
    page.click("button.pay-go-card")
    page.wait_for_url(f"**{card_order.get_absolute_url()}")
    assert "Đã thanh toán" in page.content()
    s.shot("card-element-paid")
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.PAID
    (intent,) = localstripe.payment_intents()
    assert intent["status"] == "succeeded" and intent["amount"] == card_order.total
    # The number went to the provider only: nothing posted to the site carries it.
    site_posts = [data for url, data in posted if url.startswith(s.base_url)]
    assert site_posts and all("4242424242424242" not in data for data in site_posts)
    assert any("4242424242424242" in data for url, data in posted if url.startswith(localstripe.url))
    assert s.errors == []


def test_a_declined_card_in_the_element_says_so(screen, localstripe, card_order):  # noqa: F811
    s = screen(MOBILE)
    page = s.goto(f"/don-hang/{card_order.access_token}/the/")
    page.wait_for_selector("#card-element input")
    for name, value in (("number", "4000000000000341"), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123")):
        page.fill(f"#card-element input[placeholder={name}]", value)
    page.fill("#card-element input[placeholder=postal_code]", "70000")
    page.click("button.pay-go-card")
    page.wait_for_load_state("load")
    page.wait_for_selector(".pay-state.bad, .alert, .messages")
    assert "từ chối" in page.content()
    s.shot("card-element-declined")
    card_order.refresh_from_db()
    assert card_order.payment_status == Order.PaymentStatus.FAILED
