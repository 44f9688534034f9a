"""The buyer's screens: cart, checkout, order page, order lookup."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from catalog.models import Product
from core import throttle
from core.redirects import safe_next

from . import buyer_accounts, services
from .cart import Cart, CartError, parse_quantity, price_cart
from .forms import CheckoutForm, LookupForm, card_payments_available
from .models import Order


def _product_id(value):
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _cart_post(request, cart: Cart):
    """Add, update or remove; returns where to go next. Bad input: an error message, nothing changed."""
    action = request.POST.get("action", "add")
    pid = _product_id(request.POST.get("product"))
    cart_url = reverse("orders:cart")
    if pid is None:
        messages.error(request, _("Choose a product."))
        return cart_url
    product = Product.objects.select_related("producer__stall").filter(pk=pid).first()
    try:
        if action == "remove":
            if cart.remove(pid):
                messages.success(request, _("Removed from your cart."))
            return cart_url
        if action == "update":
            quantity = parse_quantity(request.POST.get("quantity"), allow_zero=True)
            cart.set(product, pid, quantity)
            messages.success(request, _("Your cart is updated.") if quantity else _("Removed from your cart."))
            return cart_url
        if product is None:
            raise CartError(_("This product is no longer sold."))
        quantity = parse_quantity(request.POST.get("quantity", "1"))
        cart.add(product, quantity)
        messages.success(
            request,
            _("Added %(quantity)s %(unit)s of “%(name)s” to your cart.")
            % {"quantity": quantity, "unit": product.unit, "name": product.name},
        )
        return cart_url
    except CartError as exc:
        messages.error(request, exc.message)
        if action == "add" and product is not None:
            return safe_next(request, product.get_absolute_url())
        return cart_url


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cart_view(request):
    cart = Cart(request.session)
    if request.method == "POST":
        return redirect(_cart_post(request, cart))
    summary = price_cart(cart.quantities())
    return render(request, "orders/cart.html", {"summary": summary})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request):
    cart = Cart(request.session)
    quantities = cart.quantities()
    if not quantities:
        messages.error(request, _("Your cart is empty: add some products first."))
        return redirect("orders:cart")
    summary = price_cart(quantities)
    if summary.problems:
        messages.error(request, _("Some products in your cart cannot be bought: fix them first."))
        return redirect("orders:cart")
    card_available = card_payments_available()
    refreshing = request.method == "POST" and "refresh" in request.POST
    buyer = buyer_accounts.current_buyer(request)
    signed_in = buyer is not None
    addresses = list(buyer_accounts.addresses_of(buyer)) if signed_in else []
    if request.method == "POST":
        form = CheckoutForm(request.POST, card_available=card_available, signed_in=signed_in)
        if refreshing:
            # No JavaScript: "Show communes" re-renders the form, unbound (no errors yet),
            # with what was typed and the chosen province's communes.
            initial = {k: v for k, v in request.POST.items() if k in form.fields and k != "commune"}
            initial["save_address"] = "save_address" in request.POST
            form = CheckoutForm(initial=initial, card_available=card_available, signed_in=signed_in)
        elif form.is_valid():
            try:
                order = services.place_order(cart, form.cleaned_data)
            except services.CheckoutError as exc:
                messages.error(request, exc.message)
                summary = price_cart(cart.quantities())
                if summary.problems:
                    return redirect("orders:cart")
            else:
                if signed_in and form.cleaned_data.get("save_address"):
                    buyer_accounts.buyer_address_save(account=buyer, data=form.cleaned_data)
                if order.payment_method == Order.PaymentMethod.CARD:
                    return redirect("orders:pay-card", token=order.access_token)
                if order.payment_method == Order.PaymentMethod.VIETQR:
                    return redirect("orders:pay-vietqr", token=order.access_token)
                messages.success(request, _("Thank you! Your order is placed: pay in cash on delivery."))
                return redirect(order)
    else:
        initial = {"payment_method": Order.PaymentMethod.VIETQR if not card_available else None}
        if signed_in:
            # A saved address the buyer picked (?dia-chi=<id>, only among their own), else the latest.
            chosen = next((a for a in addresses if str(a.pk) == request.GET.get("dia-chi")), None)
            initial.update(buyer_accounts.checkout_initial(buyer, chosen or (addresses[0] if addresses else None)))
        form = CheckoutForm(card_available=card_available, initial=initial, signed_in=signed_in)
    # The delivery estimate of each stall to the province the buyer chose (none chosen yet: none).
    for group in summary.groups:
        group.delivery = group.stall.delivery_window(form.province_code) if form.province_code else None
    return render(
        request,
        "orders/checkout.html",
        {
            "summary": summary,
            "form": form,
            "refreshing": refreshing,
            "card_available": card_available,
            "buyer": buyer,
            "saved_addresses": addresses,
        },
    )


@never_cache
def order_detail(request, token):
    order = Order.objects.for_detail().filter(access_token=token).first()
    if order is None:
        raise Http404
    return render(request, "orders/order_detail.html", {"order": order, "groups": list(order.groups.all())})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        # Order numbers are sequential: guesses are limited per client, and failed ones per
        # phone number and per order number (core/throttle.py).
        by_client = (throttle.ORDER_LOOKUP_BY_CLIENT, throttle.client_id(request))
        targets = []
        if form.is_valid():
            number, phone = form.cleaned_data["number"], form.cleaned_data["phone"]
            targets = [(throttle.ORDER_LOOKUP_BY_PHONE, phone), (throttle.ORDER_LOOKUP_BY_NUMBER, number)]
        limit = throttle.exceeded(by_client, *targets)
        if limit is not None:
            return throttle.too_many(request, limit)
        throttle.hit(by_client)
        if form.is_valid():
            order = Order.objects.filter(number=number, buyer_phone=phone).first()
            if order is not None:
                return redirect(order)
            throttle.hit(*targets)
            form.add_error(None, _("No order has this number and phone number. Check both and try again."))
    return render(request, "orders/lookup.html", {"form": form})
