"""Real card payments' settings: the system check, the card element page and its CSP."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from orders.checks import stripe_settings_check
from tests.orders.localstripe import localstripe, localstripe_server  # noqa: F401

pytestmark = pytest.mark.django_db


def ids(settings):
    return [e.id for e in stripe_settings_check(None)]


def test_a_live_key_without_a_webhook_secret_is_an_error_with_debug_off(settings):
    settings.DEBUG = False
    settings.STRIPE_SECRET_KEY = "sk_live_abc"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_live_abc"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert ids(settings) == ["orders.E001"]
    with pytest.raises(SystemCheckError):
        call_command("check")
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert ids(settings) == []


@pytest.mark.parametrize("debug,key,secret", [(True, "sk_live_abc", ""), (False, "sk_test_abc", ""), (False, "", "")])
def test_no_error_in_debug_with_a_test_key_or_without_cards(settings, debug, key, secret):
    settings.DEBUG, settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = debug, key, secret
    assert "orders.E001" not in ids(settings)


def test_the_card_page_loads_stripe_js_from_the_configured_url_and_allows_only_it(
    client,
    localstripe,  # noqa: F811
    placed_order,
):
    order = placed_order("card")
    response = client.get(reverse("orders:pay-card", kwargs={"token": order.access_token}))
    html = response.content.decode()
    assert f'<script src="{localstripe.url}/js.stripe.com/v3/">' in html and 'id="card-element"' in html
    csp = response["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe.url}" in csp and f"connect-src 'self' {localstripe.url}" in csp
    # Every other page keeps the site-only policy.
    other = client.get(order.get_absolute_url())["Content-Security-Policy"]
    assert localstripe.url not in other and "script-src 'self';" in other


def test_with_stripe_js_in_production_the_policy_names_stripe(client, localstripe, settings, placed_order):  # noqa: F811
    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    order = placed_order("card")
    csp = client.get(reverse("orders:pay-card", kwargs={"token": order.access_token}))["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.com" in csp and "connect-src 'self' https://api.stripe.com" in csp
    assert "frame-src https://js.stripe.com https://hooks.stripe.com" in csp


def test_a_card_id_that_is_not_one_is_refused(client, localstripe, placed_order):  # noqa: F811
    order = placed_order("card")
    url = reverse("orders:pay-card", kwargs={"token": order.access_token})
    response = client.post(url, {"card_id": "4242424242424242"}, follow=True)
    assert "Không đọc được thẻ" in response.content.decode()
    assert not order.payments.exists() and localstripe.payment_intents() == []
