"""The stall owner's and the officer's screens: their stalls' orders, status moves, slips, statements.

Every lookup goes through ``Stall.objects.visible_to(user)``: another stall's order is a 404.
"""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import roles
from producers.models import Stall

from . import services, settlement
from .forms import GroupActionForm, LineBatchForm
from .models import FulfilmentGroup, OrderLine

PER_PAGE = 25


def visible_groups(user):
    return FulfilmentGroup.objects.filter(stall__in=Stall.objects.visible_to(user).values("pk"))


def _group_or_404(user, pk):
    return get_object_or_404(
        visible_groups(user)
        .select_related("order__province", "order__commune", "stall")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))),
        pk=pk,
    )


@login_required
def stall_orders(request):
    stalls = list(Stall.objects.visible_to(request.user).order_by("name").only("pk", "name", "slug"))
    groups = visible_groups(request.user).select_related("order", "stall").order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status and status in FulfilmentGroup.Status.values:
        groups = groups.filter(status=status)
    else:
        status = ""
    stall_id = request.GET.get("stall", "")
    if stall_id.isdigit() and any(s.pk == int(stall_id) for s in stalls):
        groups = groups.filter(stall_id=int(stall_id))
    else:
        stall_id = ""
    page = Paginator(groups, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/stall/order_list.html",
        {
            "page_obj": page,
            "groups": page.object_list,
            "stalls": stalls,
            "status": status,
            "stall_id": stall_id,
            "statuses": FulfilmentGroup.Status.choices,
            "this_month": timezone.localdate().replace(day=1),
            "is_staff": roles.is_platform_staff(request.user),
        },
    )


@login_required
def stall_order(request, pk):
    group = _group_or_404(request.user, pk)
    return render(
        request,
        "orders/stall/order_detail.html",
        {
            "group": group,
            "order": group.order,
            "form": GroupActionForm(),
            "lines": list(group.lines.all()),
            "actions": services.available_actions(group),
            "waiting_for_payment": services.waiting_for_payment(group),
        },
    )


@login_required
@require_POST
def group_action(request, pk):
    group = _group_or_404(request.user, pk)
    form = GroupActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("orders:stall-order", pk=group.pk)
    action = form.cleaned_data["action"]
    try:
        if action == "cancel":
            services.cancel_group(group, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("The order part is cancelled and its stock is back on sale."))
        else:
            services.set_group_status(
                group, to=action, by=request.user, tracking_number=form.cleaned_data["tracking_number"]
            )
            messages.success(request, _("Status saved."))
    except services.OrderError as exc:
        messages.error(request, exc.message)
    return redirect("orders:stall-order", pk=group.pk)


@login_required
def packing_slip(request, pk):
    group = _group_or_404(request.user, pk)
    return render(
        request, "orders/stall/packing_slip.html", {"group": group, "order": group.order, "lines": group.lines.all()}
    )


def _month_or_404(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date().replace(day=1)
    except ValueError:
        raise Http404 from None


def _month_nav(month: datetime.date):
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return previous, following


@login_required
def statement(request, stall_pk, month):
    month_date = _month_or_404(month)
    stall = get_object_or_404(Stall.objects.visible_to(request.user).select_related("producer"), pk=stall_pk)
    data = settlement.statement(stall, month_date)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        settlement.statement_csv(data, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statement-{stall.slug}-{month}.csv"'
        return response
    previous, following = _month_nav(month_date)
    return render(
        request,
        "orders/stall/statement.html",
        {
            **data,
            "previous": previous,
            "following": following,
            "withheld": stall.producer.kind in settlement.WITHHELD_KINDS,
            "vat_percent": settlement.percent(settings.TAX_WITHHOLDING_VAT_RATE),
            "pit_percent": settlement.percent(settings.TAX_WITHHOLDING_PIT_RATE),
            "transport_vat_percent": settlement.percent(settings.TAX_WITHHOLDING_TRANSPORT_VAT_RATE),
            "transport_pit_percent": settlement.percent(settings.TAX_WITHHOLDING_TRANSPORT_PIT_RATE),
        },
    )


@login_required
def tax_export(request, month):
    if not roles.is_platform_staff(request.user):
        raise Http404
    month_date = _month_or_404(month)
    out = io.StringIO()
    settlement.tax_declaration_csv(month_date, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tax-withheld-{month}.csv"'
    return response


@login_required
@require_POST
def line_batch(request, pk, line_pk):
    """Record the production batch a line shipped from (its trace page then answers the buyer)."""

    group = _group_or_404(request.user, pk)
    line = get_object_or_404(group.lines.exclude(product=None), pk=line_pk)
    form = LineBatchForm(request.POST, line=line)
    if form.is_valid():
        line.batch = form.cleaned_data["batch"]
        line.save(update_fields=["batch"])
        messages.success(request, _("Batch saved for this line."))
    else:
        messages.error(request, _("Choose a published batch of this product."))
    return redirect("orders:stall-order", pk=group.pk)
