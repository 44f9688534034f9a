"""The payment screens: pay by card or VietQR (buyer, by private link), and the stall side:
confirm a transfer or cash, refund, match a bank statement (stall owner, officer, staff)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.csp import content_security_policy
from core.money import format_vnd
from producers.models import Stall

from . import payments, vietqr
from .models import BankTransaction, Order, Payment, Refund
from .payment_forms import BankStatementForm, RefundForm, TestCardForm
from .services import OrderError

SUCCESS_STATUSES = (
    Order.PaymentStatus.PAID,
    Order.PaymentStatus.PARTIALLY_REFUNDED,
    Order.PaymentStatus.REFUNDED,
    Order.PaymentStatus.REFUND_DUE,
)

BANK_ISSUES = (
    BankTransaction.Outcome.SHORT,
    BankTransaction.Outcome.OVER,
    BankTransaction.Outcome.UNKNOWN,
    BankTransaction.Outcome.CANCELLED,
)


def _buyer_order(token):
    return get_object_or_404(Order.objects.select_related("province", "commune"), access_token=token)


def _card_paid(request, order):
    messages.success(request, _("Thank you! Your card payment was received."))
    return redirect(order)


def _card_refused(request, order, exc):
    """A refused attempt, unless the order got paid meanwhile (a second click while the first
    one paid): then the order is paid, once, and the buyer is told so."""
    order.refresh_from_db()
    if order.payment_status in SUCCESS_STATUSES:
        return _card_paid(request, order)
    messages.error(request, exc.message)
    return redirect("orders:pay-card", token=order.access_token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pay_card(request, token):
    order = _buyer_order(token)
    if order.payment_method != Order.PaymentMethod.CARD:
        return redirect(order)
    action_secret = ""
    if request.method == "POST" and "card_id" in request.POST:
        # A card typed into Stripe.js: the browser sends the provider's id of it, never the number.
        form = TestCardForm()
        try:
            payment, action_secret = payments.pay_with_card(order, request.POST.get("card_id", ""))
        except payments.PaymentError as exc:
            return _card_refused(request, order, exc)
        if payment.status == Payment.Status.SUCCEEDED:
            return _card_paid(request, order)
        if not action_secret:
            return redirect("orders:pay-card", token=order.access_token)
        # 3-D Secure: the page below asks Stripe.js to run the bank's check, then reloads.
    elif request.method == "POST":
        form = TestCardForm(request.POST)
        if form.is_valid():
            try:
                payment = payments.start_card_payment(order, form.cleaned_data["card"])
            except payments.PaymentError as exc:
                return _card_refused(request, order, exc)
            if payment.status == Payment.Status.SUCCEEDED:
                return _card_paid(request, order)
            # Declined or still being processed: the page below says which, from the provider's record.
            return redirect("orders:pay-card", token=order.access_token)
    else:
        form = TestCardForm()
        # Never trust a redirect back from the browser: ask the provider about a pending payment.
        payments.refresh_order(order)
        order.refresh_from_db()
        if order.payment_status in SUCCESS_STATUSES:
            return redirect(order)
    last = order.payments.filter(method=Order.PaymentMethod.CARD).order_by("-created_at", "-pk").first()
    element = payments.card_element_configured()
    response = render(
        request,
        "orders/payments/pay_card.html",
        {
            "element": element,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "action_secret": action_secret,
            "test_mode": payments.card_test_mode(),
            "order": order,
            "form": form,
            "available": payments.card_payments_available(),
            "payable": order.is_payable,
            "last_payment": last,
            "checking": bool(last and last.status == Payment.Status.PENDING and last.outcome_unknown_since),
            "cards": payments.TEST_CARDS if payments.card_test_mode() else (),
        },
    )
    if element:
        # Stripe's script, its frames and its API are allowed on this page only.
        response["Content-Security-Policy"] = stripe_content_security_policy()
    return response


def stripe_content_security_policy() -> str:
    parts = urlsplit(settings.STRIPE_JS_URL)
    js_origin = f"{parts.scheme}://{parts.netloc}"
    # Stripe.js talks to api.stripe.com and frames from js/hooks.stripe.com; a stand-in (localstripe)
    # serves its script and its API from one origin.
    api = "https://api.stripe.com" if parts.netloc == "js.stripe.com" else js_origin
    frames = f"{js_origin} https://hooks.stripe.com" if parts.netloc == "js.stripe.com" else js_origin
    policy = content_security_policy()
    policy = policy.replace("script-src 'self'", f"script-src 'self' {js_origin}")
    policy = policy.replace("connect-src 'self'", f"connect-src 'self' {api}")
    return policy + f"; frame-src {frames}"


@never_cache
@require_http_methods(["GET", "HEAD"])
def pay_vietqr(request, token):
    order = _buyer_order(token)
    if order.payment_method != Order.PaymentMethod.VIETQR:
        return redirect(order)
    beneficiary = vietqr.beneficiary_for(order)
    reference = vietqr.reference_for(order)
    payload = svg = ""
    if order.is_payable:
        payload = payments.vietqr_payload(order)
        svg = payments.vietqr_svg(payload)
    return render(
        request,
        "orders/payments/pay_vietqr.html",
        {
            "order": order,
            "beneficiary": beneficiary,
            "reference": reference,
            "payload": payload,
            "qr_svg": svg,
            "paid": order.payment_status in SUCCESS_STATUSES,
        },
    )


# The stall side ---------------------------------------------------------------------------------


def _managed_order(request, number):
    """The order if the user may manage its money (all its stall parts, or staff), else 404."""
    order = payments.manageable_orders(request.user).filter(number=number).first()
    if order is None:
        # A stall owner may still refund their own part of a multi-stall order.
        order = Order.objects.filter(number=number).first()
        if order is None or not payments.manageable_groups(request.user, order).exists():
            raise Http404
        return order, False
    return order, True


def _manage_context(request, order, full, refund_form=None):
    groups = list(payments.manageable_groups(request.user, order))
    succeeded = order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("-pk").first()
    refund_form = refund_form or RefundForm(groups=groups, allow_whole=full)
    return {
        "order": order,
        "full": full,
        "groups": groups,
        "payments": list(order.payments.order_by("-created_at", "-pk").prefetch_related("refunds")),
        "succeeded": succeeded,
        "refundable": payments.refundable_amount(succeeded) if succeeded else 0,
        "refund_form": refund_form,
        "owed_refunds": list(Refund.objects.filter(payment__order=order, status=Refund.Status.PENDING).order_by("pk")),
        "can_send_refunds": payments.may_confirm_received(request.user, order),
        "can_mark_received": order.payment_method != Order.PaymentMethod.CARD
        and order.payment_status not in SUCCESS_STATUSES
        and payments.may_confirm_received(request.user, order),
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def manage_payment(request, number):
    order, full = _managed_order(request, number)
    return render(request, "orders/payments/manage.html", _manage_context(request, order, full))


@login_required
@require_POST
def mark_received(request, number):
    order, full = _managed_order(request, number)
    if not full:
        raise Http404
    if not payments.may_confirm_received(request.user, order):
        messages.error(
            request,
            _("Only the holder of the account that received this money can confirm it: platform finance staff."),
        )
        return redirect("orders:payment-manage", number=order.number)
    try:
        payments.mark_transfer_received(order, by=request.user)
    except payments.PaymentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order %(number)s is marked paid.") % {"number": order.number})
    return redirect("orders:payment-manage", number=order.number)


@login_required
@require_POST
def refund_sent(request, number, refund_pk):
    order, _full = _managed_order(request, number)
    refund = get_object_or_404(Refund, pk=refund_pk, payment__order=order)
    try:
        payments.mark_refund_sent(refund, by=request.user, bank_reference=request.POST.get("bank_reference", ""))
    except payments.PaymentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Refund of %(amount)s to the buyer of order %(number)s recorded as sent.")
            % {"amount": format_vnd(refund.amount), "number": order.number},
        )
    return redirect("orders:payment-manage", number=order.number)


@never_cache
@login_required
@require_POST
def refund(request, number):
    order, full = _managed_order(request, number)
    groups = list(payments.manageable_groups(request.user, order))
    form = RefundForm(request.POST, groups=groups, allow_whole=full)
    succeeded = order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("-pk").first()
    if succeeded is None:
        messages.error(request, _("No payment has been received for this order, so there is nothing to refund."))
        return redirect("orders:payment-manage", number=order.number)
    if form.is_valid():
        try:
            payments.refund_payment(
                succeeded,
                form.cleaned_data["amount"],
                group=form.cleaned_data["group"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (payments.PaymentError, OrderError) as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("Refund of %(amount)s recorded for order %(number)s.")
                % {"amount": format_vnd(form.cleaned_data["amount"]), "number": order.number},
            )
            return redirect("orders:payment-manage", number=order.number)
    return render(request, "orders/payments/manage.html", _manage_context(request, order, full, form), status=400)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bank_statement(request):
    if not (roles.is_platform_staff(request.user) or Stall.objects.visible_to(request.user).exists()):
        # Someone with no stall and no commune: nothing to match against.
        raise Http404
    report = None
    if request.method == "POST":
        form = BankStatementForm(request.POST, request.FILES)
        if form.is_valid():
            report = payments.match_bank_statement(form.cleaned_data["statement"], by=request.user)
            if report.error:
                form.add_error("statement", report.error)
                report = None
    else:
        form = BankStatementForm()
    return render(
        request,
        "orders/payments/bank_statement.html",
        {
            "form": form,
            "report": report,
            "bank_issues": list(BankTransaction.objects.filter(outcome__in=BANK_ISSUES).select_related("order")[:100])
            if roles.is_finance(request.user)
            else [],
        },
        status=400 if request.method == "POST" and report is None else 200,
    )
