"""The checkout summary shows each discounted line's original price struck through, as the cart does."""

import re

import pytest
from django.urls import reverse

from catalog import pricing
from orders.cart import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_checkout_summary_strikes_the_original_price_of_discounted_lines_only(
    client, cart_with_two_stalls, stall_with_products, monkeypatch
):
    _a, _b, (a1, a2), _ = stall_with_products
    offer = pricing.Offer(
        promotion_id=1, title="Tết", url="/km/", kind=pricing.PERCENT, value=20, product_ids=frozenset({a1.pk})
    )
    monkeypatch.setattr(pricing, "_sources", [lambda at: [offer]])
    monkeypatch.setattr("orders.views.card_payments_available", lambda: True)
    session = client.session
    session[SESSION_KEY] = {str(k): v for k, v in cart_with_two_stalls.items()}
    session.save()

    cart = client.get(reverse("orders:cart")).content.decode()
    page = client.get(reverse("orders:checkout")).content.decode()

    review = page[page.index('class="ord-review"') : page.index('class="ord-form"')]
    # Bánh pía: 20% off 150.000 ₫, struck next to its line, as in the cart.
    assert "<del>150.000 ₫</del>" in cart
    line = re.search(r"<li>\s*<span>2 × Bánh pía.*?</li>", review, re.S).group(0)
    assert "120.000 ₫" in line and "<del>150.000 ₫</del>" in line and "240.000 ₫" in line
    # Lines without a discount show no struck price.
    assert review.count("<del>") == 1
    assert "<del>" not in re.search(r"<li>\s*<span>1 × Kẹo dừa.*?</li>", review, re.S).group(0)
