"""The buyer's optional account: sign in by phone with a one-time code, orders, saved addresses."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import throttle
from core.phone import display_vn_phone
from core.redirects import safe_next

from . import buyer_accounts as accounts
from .forms import BuyerCodeForm, BuyerSignInForm

ORDERS_PER_PAGE = 20


def _send_code(request, phone: str):
    """Send a code to ``phone`` unless a limit is reached: None when sent, else the 429 page."""
    checks = ((throttle.BUYER_CODE_BY_CLIENT, throttle.client_id(request)), (throttle.BUYER_CODE_BY_PHONE, phone))
    limit = throttle.exceeded(*checks)
    if limit is not None:
        return throttle.too_many(request, limit)
    throttle.hit(*checks)
    accounts.sign_in_code_send(phone=phone)
    request.session[accounts.PENDING_PHONE_KEY] = phone
    return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    next_url = safe_next(request)
    if accounts.current_buyer(request) is not None:
        return redirect(next_url or "orders:account")
    form = BuyerSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = _send_code(request, form.cleaned_data["phone"])
        if refused is not None:
            return refused
        target = reverse("orders:account-code")
        return redirect(f"{target}?next={next_url}" if next_url else target)
    return render(request, "orders/account/sign_in.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enter_code(request):
    next_url = safe_next(request)
    phone = request.session.get(accounts.PENDING_PHONE_KEY)
    if not phone:
        return redirect("orders:account-sign-in")
    if request.method == "POST" and "resend" in request.POST:
        refused = _send_code(request, phone)
        if refused is not None:
            return refused
        messages.success(request, _("A new code is on its way. The earlier one no longer works."))
        target = reverse("orders:account-code")
        return redirect(f"{target}?next={next_url}" if next_url else target)
    form = BuyerCodeForm(request.POST or None)
    if request.method == "POST":
        # Wrong codes are counted per client and per phone (whatever the address), on top of
        # the tries each code allows: asking for new codes does not buy new guesses.
        checks = (
            (throttle.BUYER_VERIFY_BY_CLIENT, throttle.client_id(request)),
            (throttle.BUYER_VERIFY_BY_PHONE, phone),
        )
        limit = throttle.exceeded(*checks)
        if limit is not None:
            return throttle.too_many(request, limit)
        if form.is_valid():
            try:
                account = accounts.sign_in_code_verify(phone=phone, code=form.cleaned_data["code"])
            except accounts.SignInError as exc:
                throttle.hit(*checks)
                form.add_error("code", exc.message)
            else:
                accounts.sign_in(request, account)
                messages.success(request, _("You are signed in."))
                return redirect(next_url or "orders:account")
    return render(
        request,
        "orders/account/enter_code.html",
        {"form": form, "phone_display": display_vn_phone(phone), "next": next_url, "minutes": accounts.CODE_MINUTES},
    )


@never_cache
def account(request):
    buyer = accounts.current_buyer(request)
    if buyer is None:
        return redirect(f"{reverse('orders:account-sign-in')}?next={reverse('orders:account')}")
    page = Paginator(accounts.orders_of(buyer), ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/account/account.html",
        {"buyer": buyer, "page_obj": page, "orders": page.object_list, "addresses": accounts.addresses_of(buyer)},
    )


@require_POST
def sign_out(request):
    accounts.sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect("orders:account-sign-in")


@require_POST
def address_delete(request, pk):
    buyer = accounts.current_buyer(request)
    if buyer is None:
        return redirect("orders:account-sign-in")
    # Only the buyer's own addresses: another buyer's id is a 404, as if it did not exist.
    if not accounts.buyer_address_delete(account=buyer, pk=pk):
        raise Http404
    messages.success(request, _("The address is removed from your account."))
    return redirect("orders:account")
