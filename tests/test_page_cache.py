"""The page cache (ocop_market/page_cache.py): anonymous storefront pages come from the cache,
and a buyer never sees a stale price, name, stock, badge or page after a change."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.cms import home_page, promotion
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, re.sub(r"\s+", " ", response.content.decode().replace("\xa0", " "))


def csrf_field(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def product():
    stall = StallFactory(name="Gian hàng Cô Ba")
    return ProductFactory(producer=stall.producer, name="Bánh pía sầu riêng", price=150000, stock=2)


@pytest.fixture
def urls(product):
    return [
        product.get_absolute_url(),
        reverse("catalog:product-list"),
        reverse("catalog:product-list") + "?q=banh+pia",
        product.producer.stall.get_absolute_url(),
        reverse("catalog:stall-list"),
    ]


def test_the_second_anonymous_visit_is_served_from_the_cache_without_a_query(urls, django_assert_num_queries, settings):
    for url in urls:
        first = Client().get(url)
        assert first["X-Page-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert second.content.count(b"<") == first.content.count(b"<")  # the same page
        # Answered before the inner middleware runs, with the headers they had added.
        for header in ("X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options"):
            assert second[header] == first[header], (url, header)
    settings.STOREFRONT_CACHE_SECONDS = 0
    assert "X-Page-Cache" not in Client().get(urls[0])


def test_each_visitor_of_a_cached_product_page_gets_a_token_of_their_own_and_can_add_to_cart(product):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _response, html = page(first, product.get_absolute_url())
    served, cached_html = page(second, product.get_absolute_url())

    assert served["X-Page-Cache"] == "hit"
    assert "@@" not in cached_html
    assert csrf_field(cached_html) != csrf_field(html)
    assert "csrftoken" in served.cookies
    added = second.post(
        reverse("orders:cart"),
        {"action": "add", "product": product.pk, "quantity": 1, "csrfmiddlewaretoken": csrf_field(cached_html)},
    )
    assert added.status_code == 302
    # With a cart in the session, the pages show it: they are rendered for this buyer, not cached.
    mine, html = page(second, product.get_absolute_url())
    assert "X-Page-Cache" not in mine
    assert re.search(r'class="cart-link"[^>]*>.*?1', html)


def test_a_returning_visitor_keeps_their_csrf_cookie_and_another_visitors_token_is_refused(product):
    from django.middleware.csrf import _unmask_cipher_token

    url = product.get_absolute_url()
    Client().get(url)  # stored
    returning = Client(enforce_csrf_checks=True)
    page(returning, url)  # the first visit sets the cookie
    secret = returning.cookies["csrftoken"].value
    served, html = page(returning, url)
    assert served["X-Page-Cache"] == "hit"
    token = csrf_field(html)
    assert _unmask_cipher_token(token) == secret  # their own secret, newly masked
    assert served.cookies["csrftoken"].value == secret  # renewed, not replaced
    stranger = Client(enforce_csrf_checks=True)
    stranger_token = csrf_field(page(stranger, url)[1])
    assert _unmask_cipher_token(stranger_token) != secret
    form = {"action": "add", "product": product.pk, "quantity": 1}
    assert returning.post(reverse("orders:cart"), {**form, "csrfmiddlewaretoken": stranger_token}).status_code == 403
    assert returning.post(reverse("orders:cart"), {**form, "csrfmiddlewaretoken": token}).status_code == 302


def test_a_signed_in_users_page_is_neither_served_from_nor_left_in_the_cache(product):
    url = product.get_absolute_url()
    signed_in = Client()
    signed_in.force_login(UserFactory(username="lan-buyer"))
    response, _html = page(signed_in, url)
    assert "X-Page-Cache" not in response
    # What was rendered for the signed-in user was not stored: the first anonymous visit renders.
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in signed_in.get(url)


def test_a_price_change_shows_at_once_on_every_page(product, urls):
    for url in urls:
        page(Client(), url)
    product.price = 99000
    product.save()
    for url in urls[:3]:
        response, html = page(Client(), url)
        assert response["X-Page-Cache"] == "miss", url
        assert "99.000 ₫" in html, url
        assert "150.000 ₫" not in html, url


def test_a_renamed_stall_shows_its_new_name_on_its_products_and_its_page(product, urls):
    for url in urls:
        page(Client(), url)
    stall = product.producer.stall
    stall.name = "Gian hàng Chú Tư"
    stall.save()
    for url in (urls[0], urls[3], urls[4]):
        _response, html = page(Client(), url)
        assert "Gian hàng Chú Tư" in html, url
        assert "Cô Ba" not in html, url


@pytest.fixture
def commune():
    from tests.factories.producers import CommuneFactory

    return CommuneFactory()


def _order(product, quantity, commune, method="cod"):
    from orders.services import place_order

    return place_order(
        {product.pk: quantity},
        {
            "buyer_name": "Trần Thị Bình",
            "buyer_phone": "+84912345678",
            "buyer_email": "",
            "province": commune.province,
            "commune": commune,
            "street_address": "12 Lê Lợi",
            "note": "",
            "payment_method": method,
        },
    )


def test_stock_reserved_at_checkout_shows_sold_out_on_every_cached_page(product, urls, commune):
    for url in urls:
        page(Client(), url)
    _response, html = page(Client(), product.get_absolute_url())
    assert 'class="add-cart"' in html
    _order(product, 2, commune)  # the last two
    _response, html = page(Client(), product.get_absolute_url())
    assert 'class="add-cart"' not in html
    assert 'class="add-cart-out"' in html
    for url in urls[1:4]:  # the cards of the listing, the search and the stall
        response, html = page(Client(), url)
        assert response["X-Page-Cache"] == "miss", url


def test_an_order_changes_the_number_left_on_the_product_page_and_keeps_the_other_pages(product, urls, commune):
    from orders.services import cancel_order

    product.stock = 5
    product.save()
    for url in urls:
        page(Client(), url)
    order = _order(product, 2, commune, method="vietqr")
    response, html = page(Client(), product.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert 'max="3"' in html
    for url in urls[1:]:  # nothing else shows the number left: still served from the cache
        assert Client().get(url)["X-Page-Cache"] == "hit", url
    cancel_order(order, reason="buyer")
    _response, html = page(Client(), product.get_absolute_url())
    assert 'max="5"' in html


def test_a_published_promotion_and_its_scheduled_end_change_the_cached_price(product):
    url = product.get_absolute_url()
    page(Client(), url)
    end = timezone.now().replace(microsecond=0) + DAY
    promotion(products=[product], discount_value=10, title="Tuần lễ đặc sản", ends_at=end)
    _response, html = page(Client(), url)
    assert "<b>135.000 ₫</b>" in html
    with time_machine.travel(end + datetime.timedelta(seconds=1), tick=False):
        # No save, no signal: the campaign ends by the clock, and the cached page with it.
        _response, html = page(Client(), url)
        assert "135.000 ₫" not in html
        assert "<b>150.000 ₫</b>" in html


def test_a_certificate_expiring_at_midnight_loses_its_badge_on_the_cached_page(product):
    from onboarding.services import certificate_reminders_run

    certificate = OcopCertificateFactory(product=product, stars=5)
    url = product.get_absolute_url()
    tz = timezone.get_current_timezone()
    last_evening = datetime.datetime.combine(certificate.expires_on, datetime.time(23, 50), tz)
    with time_machine.travel(last_evening, tick=False):
        page(Client(), url)
        response, html = page(Client(), url)
        assert response["X-Page-Cache"] == "hit"
        assert 'id="cert-h"' in html
    next_morning = datetime.datetime.combine(certificate.expires_on + DAY, datetime.time(0, 1), tz)
    with time_machine.travel(next_morning, tick=False):
        # Before the daily job: the page cached last evening is not served past midnight.
        _response, html = page(Client(), url)
        assert 'id="cert-h"' not in html
        certificate_reminders_run(today=certificate.expires_on + DAY)
        response, html = page(Client(), url)
        assert response["X-Page-Cache"] == "miss"  # the job's change dropped the page again
        assert 'id="cert-h"' not in html


def test_an_edited_and_published_cms_page_shows_its_new_content(db):
    home = home_page()
    _response, html = page(Client(), "/")
    assert "Đặc sản OCOP từ nông hộ" in html
    home.hero_title = "Tết này mua đặc sản quê"
    home.save_revision().publish()
    response, html = page(Client(), "/")
    assert response["X-Page-Cache"] == "miss"
    assert "Tết này mua đặc sản quê" in html


def test_only_whole_storefront_pages_are_cached(product, client):
    missing = Client().get("/products/khong-co/")
    assert missing.status_code == 404
    assert "X-Page-Cache" not in missing
    for url in (reverse("orders:cart"), reverse("orders:checkout"), "/healthz"):
        assert "X-Page-Cache" not in Client().get(url), url
    assert "X-Page-Cache" not in Client().post(product.get_absolute_url())
