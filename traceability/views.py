"""The public trace page, and the household's (or its officer's) batch screens and printouts.

Every lookup of a batch or stall to manage goes through ``visible_to(user)``: another
producer's batch is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Product
from producers.banks import bank_name
from producers.models import Commune, Stall

from . import pdf, queries, services
from .codes import gtin14, trace_url
from .forms import BatchForm, EventForm, EventFormSet, StampForm
from .models import Batch, TraceEvent
from .vietqr import static_payload

# --- public ----------------------------------------------------------------------------------


def trace(request, code):
    try:
        batch = queries.trace_batch(code)
    except Batch.DoesNotExist:
        return _unknown_code(request, code)
    return _render_trace(request, batch)


def digital_link(request, gtin, code):
    """GS1 Digital Link (``/01/<gtin>/10/<lot>``): the same page, when the GTIN is the batch's."""
    try:
        batch = queries.trace_batch(code)
    except Batch.DoesNotExist:
        return _unknown_code(request, code)
    if not batch.gtin or gtin14(batch.gtin) != gtin14(gtin):
        return _unknown_code(request, code)
    return _render_trace(request, batch)


def _render_trace(request, batch):
    product = batch.product
    return render(
        request,
        "traceability/trace.html",
        {
            "batch": batch,
            "product": product,
            "stall": product.producer.stall,
            "producer": product.producer,
            "events": batch.timeline,
            "certificate": batch.certificate,
            "certificate_valid": batch.certificate_valid,
            "certifications": batch.certifications,
            "today": timezone.localdate(),
        },
    )


def _unknown_code(request, code):
    # The site's own "not found" layout, with what a buyer holding a stamp should know.
    return render(request, "traceability/unknown.html", {"code": (code or "")[:20]}, status=404)


# --- the household's and the officer's screens -------------------------------------------------


def _stalls(user):
    return Stall.objects.visible_to(user).select_related("producer__bank_account", "payment_qr").order_by("name")


def _products(user):
    return Product.objects.visible_to(user).exclude(status=Product.Status.ARCHIVED).order_by("name")


def _communes(user, batch=None):
    if batch is not None:
        provinces = [batch.product.producer.stall.province_id]
    else:
        provinces = set(Stall.objects.visible_to(user).values_list("province_id", flat=True))
    return list(Commune.objects.filter(province_id__in=provinces).order_by("province_id", "short_name"))


def _default_commune(user):
    return Stall.objects.visible_to(user).exclude(commune=None).values_list("commune_id", flat=True).first()


@login_required
def batch_list(request):
    batches = list(queries.managed_batches(request.user)[:200])
    return render(
        request,
        "traceability/batch_list.html",
        {"batches": batches, "stalls": list(_stalls(request.user)), "has_products": _products(request.user).exists()},
    )


@login_required
def batch_new(request):
    """Screen 1 of 2: the batch's data and its first events, on one page."""
    products = _products(request.user)
    communes = _communes(request.user)
    default = _default_commune(request.user)
    if request.method == "POST":
        form = BatchForm(request.POST, products=products)
        events = EventFormSet(request.POST, request.FILES, communes=communes, default_commune=default, prefix="ev")
        if form.is_valid() and events.is_valid():
            batch = _create(request, form, events)
            if batch is not None:
                messages.success(request, _("Batch saved. Check it, then publish it and print its stamps."))
                return redirect("traceability:batch", pk=batch.pk)
    else:
        product_id = request.GET.get("product", "")
        initial = {"product": product_id} if product_id.isdigit() else {}
        form = BatchForm(initial=initial, products=products)
        events = EventFormSet(communes=communes, default_commune=default, prefix="ev")
    return render(request, "traceability/batch_form.html", {"form": form, "events": events})


def _create(request, form, events):
    """The batch and its events, or None with each error next to its field (nothing saved)."""
    data = form.cleaned_data
    filled = events.filled_forms()
    previous = None
    ok = True
    for row in filled:
        event = row.event()
        for field, message in services.event_errors(previous=previous, event=event).items():
            row.add_error(field, message)
            ok = False
        previous = event
    if not ok:
        return None
    try:
        with transaction.atomic():
            return services.batch_create(
                product=data["product"],
                actor=request.user,
                code=data["code"],
                produced_on=data["produced_on"],
                packed_on=data["packed_on"],
                expires_on=data.get("expires_on"),
                expiry_kind=data["expiry_kind"],
                quantity=data["quantity"],
                quantity_unit=data.get("quantity_unit") or "",
                gtin=data.get("gtin") or "",
                standards=data.get("standards") or [],
                events=[row.event() for row in filled],
            )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _batch_or_404(user, pk):
    return get_object_or_404(
        Batch.objects.visible_to(user).select_related("product__producer__stall__province", "created_by"), pk=pk
    )


def _batch_page(request, batch, *, event_form=None, stamp_form=None, status=200):
    events = list(batch.events.select_related("commune__province", "recorded_by").order_by("sequence"))
    if event_form is None:
        initial = {"commune": events[-1].commune_id if events else batch.product.producer.stall.commune_id}
        event_form = EventForm(initial=initial, communes=_communes(request.user, batch), corrections=batch.is_published)
    if stamp_form is None:
        stamp_form = StampForm(initial={"layout": "3x8", "count": min(batch.quantity, pdf.MAX_STAMPS)})
    return render(
        request,
        "traceability/batch_detail.html",
        {
            "batch": batch,
            "events": events,
            "event_form": event_form,
            "stamp_form": stamp_form,
            "trace_url": trace_url(batch),
        },
        status=status,
    )


@login_required
def batch_detail(request, pk):
    """Screen 2 of 2: the batch, its events, one more event, publish, print."""
    return _batch_page(request, _batch_or_404(request.user, pk))


@login_required
@require_POST
def event_add(request, pk):
    batch = _batch_or_404(request.user, pk)
    form = EventForm(
        request.POST, request.FILES, communes=_communes(request.user, batch), corrections=batch.is_published
    )
    if form.is_valid():
        try:
            services.event_add(batch=batch, actor=request.user, event=form.event())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event added."))
            return redirect("traceability:batch", pk=batch.pk)
    return _batch_page(request, batch, event_form=form, status=400)


@login_required
@require_POST
def event_delete(request, pk, event_pk):
    batch = _batch_or_404(request.user, pk)
    event = get_object_or_404(TraceEvent, batch=batch, pk=event_pk)
    try:
        services.event_delete(event=event, actor=request.user)
    except services.TraceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Event deleted."))
    return redirect("traceability:batch", pk=batch.pk)


@login_required
@require_POST
def batch_publish(request, pk):
    batch = _batch_or_404(request.user, pk)
    try:
        services.batch_publish(batch=batch, actor=request.user)
    except services.TraceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Batch published: its trace page is public and its stamps can be printed."))
    return redirect("traceability:batch", pk=batch.pk)


@login_required
def stamps(request, pk):
    """The PDF sheet of QR stamps of a published batch."""
    batch = _batch_or_404(request.user, pk)
    form = StampForm(request.GET)
    if not batch.is_published:
        messages.error(request, _("Publish the batch before printing its stamps: the QR leads to its public page."))
        return redirect("traceability:batch", pk=batch.pk)
    if not form.is_valid():
        return _batch_page(request, batch, stamp_form=form, status=400)
    stars = Product.objects.with_stars().filter(pk=batch.product_id).values_list("stars", flat=True).first()
    stamp = pdf.Stamp(
        url=trace_url(batch),
        product_name=batch.product.name,
        batch_code=batch.code,
        trace_code=batch.trace_code,
        stars=stars,
    )
    layout = pdf.LAYOUTS[form.cleaned_data["layout"]]
    body = pdf.stamp_sheet(stamp, count=form.cleaned_data["count"], layout=layout)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tem-{batch.trace_code}-{layout.key}.pdf"'
    return response


@login_required
def payment_sign(request, stall_pk):
    """The stall's printable VietQR sign (A5 by default, ``?size=a4``)."""
    stall = get_object_or_404(_stalls(request.user), pk=stall_pk)
    account = getattr(stall.producer, "bank_account", None)
    if account is None:
        messages.error(request, _("Add the stall's bank account first: the sign's QR pays into it."))
        return redirect("traceability:batches")
    size = request.GET.get("size", "a5")
    if size not in pdf.SIGN_SIZES:
        raise Http404(_("Unknown paper size."))
    sign = pdf.Sign(
        payload=static_payload(account),
        stall_name=stall.name,
        account_holder=account.account_holder,
        bank_name=bank_name(account.bank_bin),
        account_number=account.account_number,
    )
    response = HttpResponse(pdf.payment_sign(sign, size=size), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="vietqr-{stall.slug}-{size}.pdf"'
    return response


@login_required
@require_POST
def payment_qr_choice(request, stall_pk):
    stall = get_object_or_404(_stalls(request.user), pk=stall_pk)
    on = request.POST.get("on_product_pages") == "1"
    if on and getattr(stall.producer, "bank_account", None) is None:
        messages.error(request, _("Add the stall's bank account first: the sign's QR pays into it."))
    else:
        services.payment_qr_set(stall=stall, on_product_pages=on)
        if on:
            messages.success(request, _("Product pages of this stall now show a VietQR for the price."))
        else:
            messages.success(request, _("Product pages of this stall no longer show a VietQR."))
    return redirect("traceability:batches")
