"""Checkout: the form, totals before paying, place_order's guarantees."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ReferenceIndex

from catalog.models import Product
from orders import services
from orders.cart import SESSION_KEY
from orders.models import FulfilmentGroup, Order, OrderLine
from tests.factories.producers import CommuneFactory

pytestmark = pytest.mark.django_db

CHECKOUT = reverse("orders:checkout")


@pytest.fixture
def filled_cart(client, cart_with_two_stalls):
    session = client.session
    session[SESSION_KEY] = {str(k): v for k, v in cart_with_two_stalls.items()}
    session.save()
    return cart_with_two_stalls


@pytest.fixture
def form_data(buyer_address):
    return {
        "buyer_name": "Trần Thị Bình",
        "buyer_phone": "0912 345 678",
        "buyer_email": "binh@example.com",
        "province": buyer_address["province"].pk,
        "commune": buyer_address["commune"].pk,
        "street_address": "12 Lê Lợi",
        "note": "Giao giờ hành chính",
        "payment_method": "cod",
    }


@pytest.fixture(autouse=True)
def _card_available(monkeypatch):
    monkeypatch.setattr("orders.views.card_payments_available", lambda: True)


def test_empty_cart_cannot_check_out(client):
    response = client.get(CHECKOUT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orders:cart")
    assert any("empty" in str(m) or "trống" in str(m) for m in response.context["messages"])
    with pytest.raises(services.CheckoutError):
        services.place_order({}, {})


def test_checkout_page_shows_totals_per_stall_and_overall(client, filled_cart, django_assert_max_num_queries):
    client.get(CHECKOUT)
    with django_assert_max_num_queries(10):
        response = client.get(CHECKOUT)
    page = response.content.decode()
    # Stall A: 2 × 150.000 + 80.000 + 30.000 shipping; stall B: 200.000 + 25.000.
    assert "410.000 ₫" in page and "225.000 ₫" in page and "635.000 ₫" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_cod_checkout_places_the_order_and_reserves_stock(
    client, filled_cart, form_data, stall_with_products, notify_outbox, django_capture_on_commit_callbacks
):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHECKOUT, form_data)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert re.fullmatch(rf"OCOP-{timezone.localdate().year}-\d{{6}}", order.number)
    assert order.buyer_phone == "+84912345678"
    assert order.total == 635000 and order.subtotal == 580000 and order.shipping_total == 55000
    assert order.payment_status == Order.PaymentStatus.UNPAID and order.reserved_until is None
    assert [(g.stall.name, g.total, g.collected_by) for g in order.groups.order_by("stall__name")] == [
        ("Gian hàng A", 410000, "cod"),
        ("Gian hàng B", 225000, "cod"),
    ]
    assert {(p.pk, p.stock) for p in Product.objects.all()} == {(a1.pk, 8), (a2.pk, 4), (b1.pk, 2)}
    line = OrderLine.objects.get(product=a1)
    assert (line.product_name, line.unit, line.unit_price, line.quantity, line.line_total) == (
        "Bánh pía",
        "hộp",
        150000,
        2,
        300000,
    )
    assert client.session.get(SESSION_KEY) in (None, {})
    assert len(notify_outbox) == 1
    assert order.number in notify_outbox[0].body and notify_outbox[0].phone == "+84912345678"
    assert order.get_absolute_url() in notify_outbox[0].body


@pytest.mark.parametrize(("method", "url_name"), [("vietqr", "orders:pay-vietqr"), ("card", "orders:pay-card")])
def test_online_checkout_goes_to_the_payment_step_and_holds_stock_for_the_timeout(
    client, filled_cart, form_data, method, url_name, settings
):
    before = timezone.now()
    response = client.post(CHECKOUT, {**form_data, "payment_method": method})
    order = Order.objects.get()
    assert response["Location"] == reverse(url_name, kwargs={"token": order.access_token})
    assert order.payment_status == Order.PaymentStatus.AWAITING
    minutes = (order.reserved_until - before).total_seconds() / 60
    assert settings.ORDER_PAYMENT_TIMEOUT_MINUTES - 1 < minutes <= settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1
    assert set(order.groups.values_list("status", flat=True)) == {FulfilmentGroup.Status.PENDING_PAYMENT}
    assert set(order.groups.values_list("collected_by", flat=True)) == {"platform"}
    assert order.payment_reference == order.number.replace("-", "")
    assert len(order.payment_reference) <= 19 and order.payment_reference.isascii()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("buyer_phone", "12345"),
        ("buyer_phone", "+1 202 555 0100"),
        ("buyer_name", " "),
        ("street_address", ""),
        ("buyer_email", "not-an-email"),
        ("payment_method", "bitcoin"),
        ("province", ""),
    ],
)
def test_bad_input_shows_an_error_and_saves_nothing(client, filled_cart, form_data, stall_with_products, field, value):
    response = client.post(CHECKOUT, {**form_data, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Order.objects.exists()
    assert Product.objects.get(pk=stall_with_products[2][0].pk).stock == 10
    assert client.session[SESSION_KEY]


def test_commune_of_another_province_is_refused(client, filled_cart, form_data):
    other = CommuneFactory()
    response = client.post(CHECKOUT, {**form_data, "commune": other.pk})
    assert "commune" in response.context["form"].errors
    assert not Order.objects.exists()


def test_show_communes_button_lists_the_province_communes_without_javascript(client, filled_cart, form_data):
    response = client.post(CHECKOUT, {**form_data, "commune": "", "refresh": "1"})
    form = response.context["form"]
    assert not form.is_bound and form.province_chosen
    assert list(form.fields["commune"].queryset.values_list("province_id", flat=True).distinct()) == [
        form_data["province"]
    ]
    assert not Order.objects.exists()


def test_card_option_is_disabled_with_a_message_when_unavailable(client, filled_cart, form_data, monkeypatch):
    monkeypatch.setattr("orders.views.card_payments_available", lambda: False)
    page = client.get(CHECKOUT).content.decode()
    card_input = re.search(r'<input[^>]*value="card"[^>]*>', page).group(0)
    assert "disabled" in card_input
    response = client.post(CHECKOUT, {**form_data, "payment_method": "card"})
    assert "payment_method" in response.context["form"].errors
    assert not Order.objects.exists()
    # VietQR and cash on delivery still work.
    assert client.post(CHECKOUT, {**form_data, "payment_method": "vietqr"}).status_code == 302


def test_stock_gone_between_cart_and_checkout_gives_a_clear_message_and_saves_nothing(
    client, filled_cart, form_data, stall_with_products
):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    # Someone else bought the honey meanwhile; the cart's check at page load passed earlier.
    Product.objects.filter(pk=b1.pk).update(stock=0)
    response = client.post(CHECKOUT, form_data, follow=True)
    assert not Order.objects.exists()
    assert Product.objects.get(pk=a1.pk).stock == 10
    assert response.redirect_chain[-1][0] == reverse("orders:cart")
    assert [line.name for line in response.context["summary"].lines if line.problem] == ["Mật ong"]
    assert list(response.context["messages"])


def test_place_order_refuses_when_stock_runs_out_during_reservation(buyer_address, stall_with_products, monkeypatch):
    """The conditional UPDATE is the last word: a stale price/stock check cannot oversell."""
    _a, _b, (a1, a2), (b1,) = stall_with_products
    from orders import cart as cart_module

    real = cart_module.price_cart

    def stale(quantities, **kw):
        summary = real(quantities, **kw)
        Product.objects.filter(pk=b1.pk).update(stock=0)  # sold between the read and the update
        return summary

    monkeypatch.setattr(services, "price_cart", stale)
    with pytest.raises(services.CheckoutError) as info:
        services.place_order({a1.pk: 1, b1.pk: 1}, {**buyer_address, "payment_method": "cod"})
    assert "Mật ong" in str(info.value.message)
    assert not Order.objects.exists() and not FulfilmentGroup.objects.exists()
    assert Product.objects.get(pk=a1.pk).stock == 10  # a1's reservation was rolled back


def test_order_numbers_are_sequential_and_unique(placed_order):
    first, second = placed_order("cod", cart=None), placed_order("vietqr")
    n1, n2 = int(first.number[-6:]), int(second.number[-6:])
    assert n2 == n1 + 1
    assert first.access_token != second.access_token and len(first.access_token) >= 32


def test_zero_or_negative_quantities_are_refused_by_place_order(buyer_address, stall_with_products):
    _a, _b, (a1, _a2), _ = stall_with_products
    for quantity in (0, -2):
        with pytest.raises(services.CheckoutError):
            services.place_order({a1.pk: quantity}, {**buyer_address, "payment_method": "cod"})
    assert not Order.objects.exists()


def test_placing_an_order_keeps_to_a_fixed_number_of_queries_and_indexes_nothing(
    client, filled_cart, form_data, django_assert_max_num_queries
):
    # A checkout holds its stock rows locked until it commits: every query in it makes the
    # buyers behind it wait. Wagtail's reference index (the admin's "usage" pages) would add
    # five, to record that the order links to its province and commune. Here: the session,
    # the cart's rows, the address, one UPDATE per line and the year's first order number.
    with django_assert_max_num_queries(27) as captured:
        response = client.post(CHECKOUT, form_data)
    assert response.status_code == 302 and Order.objects.count() == 1
    assert not ReferenceIndex.objects.filter(base_content_type=ContentType.objects.get_for_model(Order)).exists()
    assert not [q for q in captured.captured_queries if "referenceindex" in q["sql"]]
