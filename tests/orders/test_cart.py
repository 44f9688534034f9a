"""The session cart: grouped by stall, priced on the server, bad input refused with a message."""

import pytest
from django.urls import reverse

from catalog import pricing
from catalog.models import Product
from orders.cart import SESSION_KEY

pytestmark = pytest.mark.django_db

CART = reverse("orders:cart")


def add(client, product, quantity="1", **extra):
    return client.post(CART, {"action": "add", "product": product.pk, "quantity": quantity, **extra}, follow=True)


def cart_of(client):
    return client.session.get(SESSION_KEY, {})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_products_of_two_stalls_are_grouped_with_shipping_and_totals(client, stall_with_products):
    stall_a, stall_b, (a1, a2), (b1,) = stall_with_products
    add(client, a1, "2")
    add(client, a2)
    response = add(client, b1)
    summary = response.context["summary"]
    assert [g.stall for g in summary.groups] == [stall_a, stall_b]
    group_a, group_b = summary.groups
    assert group_a.subtotal == 2 * 150000 + 80000
    assert group_a.shipping_fee == 30000
    assert group_b.subtotal == 200000 and group_b.shipping_fee == 25000
    assert summary.total == 380000 + 30000 + 200000 + 25000
    page = response.content.decode()
    assert "Gian hàng A" in page and "Gian hàng B" in page
    assert "635.000 ₫" in page
    # The stall's free-shipping threshold: 120.000 ₫ more at stall A ships free.
    assert "120.000 ₫" in page


def test_shipping_is_free_from_the_stall_threshold(client, stall_with_products):
    _a, _b, (a1, _a2), _ = stall_with_products
    response = add(client, a1, "4")  # 600.000 ₫ ≥ 500.000 ₫
    (group,) = response.context["summary"].groups
    assert group.shipping_fee == 0
    assert response.context["summary"].total == 600000


def test_adding_twice_adds_up(client, stall_with_products):
    _a, _b, (a1, _a2), _ = stall_with_products
    add(client, a1, "2")
    add(client, a1, "3")
    assert cart_of(client) == {str(a1.pk): 5}


def test_a_price_sent_by_the_form_is_ignored(client, stall_with_products):
    _a, _b, (a1, _a2), _ = stall_with_products
    response = add(client, a1, "1", price="1", unit_price="1", total="1")
    assert response.context["summary"].total == 150000 + 30000


def test_live_promotion_price_is_used(client, stall_with_products, monkeypatch):
    _a, _b, (a1, _a2), _ = stall_with_products
    offer = pricing.Offer(
        promotion_id=1, title="Tết", url="/km/", kind=pricing.PERCENT, value=20, product_ids=frozenset({a1.pk})
    )
    monkeypatch.setattr(pricing, "_sources", [lambda at: [offer]])
    response = add(client, a1, "2")
    (line,) = response.context["summary"].lines
    assert line.unit_price == 120000 and line.original_price == 150000
    assert response.context["summary"].subtotal == 240000


def test_promotion_limit_per_order_blocks_checkout_with_a_message(client, stall_with_products, monkeypatch):
    _a, _b, (a1, _a2), _ = stall_with_products
    offer = pricing.Offer(
        promotion_id=1,
        title="Tết",
        url="/km/",
        kind=pricing.AMOUNT,
        value=10000,
        limit_per_order=2,
        product_ids=frozenset({a1.pk}),
    )
    monkeypatch.setattr(pricing, "_sources", [lambda at: [offer]])
    response = add(client, a1, "3")
    assert "at most 2 per order" in response.content.decode() or "tối đa 2" in response.content.decode()
    assert response.context["summary"].problems


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1.5", "", "100000"])
def test_bad_quantities_are_refused_and_change_nothing(client, stall_with_products, quantity):
    _a, _b, (a1, _a2), _ = stall_with_products
    add(client, a1, "1")
    response = add(client, a1, quantity)
    assert cart_of(client) == {str(a1.pk): 1}
    assert any(m for m in messages_of(response)), "a message explains what was wrong"
    assert response.status_code == 200


def test_more_than_the_stock_is_refused(client, stall_with_products):
    _a, _b, _, (b1,) = stall_with_products  # 3 in stock
    response = add(client, b1, "4")
    assert cart_of(client) == {}
    assert any("3" in m for m in messages_of(response))


def test_unpublished_or_sold_out_products_cannot_be_added(client, stall_with_products):
    _a, _b, (a1, a2), _ = stall_with_products
    Product.objects.filter(pk=a1.pk).update(status=Product.Status.DRAFT)
    Product.objects.filter(pk=a2.pk).update(stock=0)
    r1 = add(client, a1)
    r2 = add(client, a2)
    assert cart_of(client) == {}
    assert messages_of(r1) and messages_of(r2)
    response = client.post(CART, {"action": "add", "product": "999999", "quantity": "1"}, follow=True)
    assert messages_of(response) and cart_of(client) == {}
    response = client.post(CART, {"action": "add", "product": "x", "quantity": "1"}, follow=True)
    assert messages_of(response) and cart_of(client) == {}


def test_update_and_remove(client, stall_with_products):
    _a, _b, (a1, a2), _ = stall_with_products
    add(client, a1, "2")
    add(client, a2, "1")
    client.post(CART, {"action": "update", "product": a1.pk, "quantity": "4"})
    assert cart_of(client)[str(a1.pk)] == 4
    response = client.post(CART, {"action": "update", "product": a1.pk, "quantity": "11"}, follow=True)
    assert cart_of(client)[str(a1.pk)] == 4 and messages_of(response)
    client.post(CART, {"action": "update", "product": a1.pk, "quantity": "0"})
    assert str(a1.pk) not in cart_of(client)
    client.post(CART, {"action": "remove", "product": a2.pk})
    assert cart_of(client) == {}


def test_lines_unpublished_or_sold_out_since_added_are_marked_and_block_checkout(client, stall_with_products):
    stall_a, _b, (a1, a2), (b1,) = stall_with_products
    add(client, a1, "2")
    add(client, a2, "1")
    add(client, b1, "1")
    Product.objects.filter(pk=a1.pk).update(status=Product.Status.ARCHIVED)
    Product.objects.filter(pk=a2.pk).update(stock=0)
    Product.objects.filter(pk=b1.pk).update(stock=0)
    response = client.get(CART)
    page = response.content.decode()
    summary = response.context["summary"]
    assert len(summary.problems) == 3
    assert reverse("orders:checkout") not in page
    # The checkout refuses too and sends the buyer back to the cart.
    response = client.get(reverse("orders:checkout"), follow=True)
    assert response.redirect_chain[-1][0] == CART
    post = client.post(reverse("orders:checkout"), {"buyer_name": "An"}, follow=True)
    assert post.redirect_chain[-1][0] == CART


def test_a_deleted_product_shows_as_no_longer_sold_and_can_be_removed(client, stall_with_products):
    _a, _b, (a1, _a2), _ = stall_with_products
    session = client.session
    session[SESSION_KEY] = {"987654": 1}
    session.save()
    response = client.get(CART)
    assert response.context["summary"].problems
    client.post(CART, {"action": "remove", "product": "987654"})
    assert cart_of(client) == {}


def test_empty_cart_page(client):
    response = client.get(CART)
    assert response.status_code == 200
    assert response.context["summary"].is_empty


def test_cart_page_query_count_does_not_grow_with_lines(client, stall_with_products, django_assert_max_num_queries):
    _a, _b, (a1, a2), (b1,) = stall_with_products
    for product in (a1, a2, b1):
        add(client, product)
    client.get(CART)
    with django_assert_max_num_queries(8):
        response = client.get(CART)
    assert response.status_code == 200


def test_add_to_cart_include_posts_to_the_cart(rf, stall_with_products):
    from django.template.loader import render_to_string

    _a, _b, (a1, _a2), _ = stall_with_products
    request = rf.get("/")
    html = render_to_string("orders/_add_to_cart.html", {"product": a1}, request=request)
    assert f'action="{CART}"' in html and 'name="csrfmiddlewaretoken"' in html
    a1.stock = 0
    html = render_to_string("orders/_add_to_cart.html", {"product": a1}, request=request)
    assert "<form" not in html


def test_cart_count_context_processor_reads_the_session_only(client, stall_with_products, rf):
    from orders.context_processors import cart

    _a, _b, (a1, a2), _ = stall_with_products
    add(client, a1, "2")
    add(client, a2, "1")
    request = rf.get("/")
    request.session = client.session
    assert cart(request) == {"cart_count": 3}
