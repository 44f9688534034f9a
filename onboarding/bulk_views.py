"""An officer imports many products from a spreadsheet: upload → row-by-row preview → confirm.

The uploaded file is kept between the preview and the confirmation in the private storage
(never public), named in the officer's session; confirming reads it again, validates again
and writes in one transaction; the file is then deleted.
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import private_storage
from core import roles
from producers.models import Producer

from . import bulk, forms, services
from .household_views import LOGIN_URL
from .models import Application, ApplicationPhoto

SESSION_KEY = "onboarding_bulk"
officer_required = login_required(login_url=LOGIN_URL)


def _require_officer(user):
    if not roles.reviews_applications(user):
        raise Http404


STASH_DIR = "onboarding/bulk"
STASH_MAX_AGE = datetime.timedelta(days=1)


def _sweep_old_stashes() -> None:
    """Uploads never confirmed nor cancelled are deleted after a day."""
    storage = private_storage()
    try:
        _dirs, files = storage.listdir(STASH_DIR)
    except FileNotFoundError:
        return
    limit = timezone.now() - STASH_MAX_AGE
    for name in files:
        path = f"{STASH_DIR}/{name}"
        try:
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
        except FileNotFoundError:
            continue


def _stash(request, target: str, data: bytes, filename: str) -> str:
    """Keep the upload until the officer confirms; returns its token."""
    _discard(request, target)
    _sweep_old_stashes()
    token = uuid.uuid4().hex
    ext = "xlsx" if data.startswith(b"PK\x03\x04") else "csv"
    name = private_storage().save(f"{STASH_DIR}/{token}.{ext}", ContentFile(data))
    stash = request.session.get(SESSION_KEY, {})
    stash[target] = {"token": token, "name": name, "filename": filename[:200]}
    request.session[SESSION_KEY] = stash
    return token


def _stashed(request, target: str, token: str):
    entry = request.session.get(SESSION_KEY, {}).get(target)
    if not entry or entry.get("token") != token:
        return None, None
    storage = private_storage()
    if not storage.exists(entry["name"]):
        return None, None
    with storage.open(entry["name"], "rb") as f:
        return f.read(), entry["filename"]


def _discard(request, target: str):
    stash = request.session.get(SESSION_KEY, {})
    entry = stash.pop(target, None)
    if entry:
        private_storage().delete(entry["name"])
        request.session[SESSION_KEY] = stash


def _handle(request, *, target: str, title: str, context: dict, on_confirm):
    form = forms.BulkUploadForm()
    results = None
    token = ""
    filename = ""
    if request.method == "POST" and request.POST.get("action") == "confirm":
        data, filename = _stashed(request, target, request.POST.get("token", ""))
        if data is None:
            messages.error(request, _("The uploaded file is no longer here. Upload it again."))
        else:
            try:
                results = bulk.validate_file(data, filename)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                valid = [r for r in results if r.ok]
                if not valid:
                    messages.error(request, _("No row can be created: correct the spreadsheet and upload it again."))
                else:
                    app = on_confirm(results)
                    _discard(request, target)
                    messages.success(
                        request,
                        _("%(n)s products were added to the application. Now add their photos.") % {"n": len(valid)},
                    )
                    photos = request.FILES.getlist("photos")
                    if photos:
                        # Chosen with the confirmation: placed by their names, one screen saved.
                        _report_photos(request, bulk.attach_photos(app=app, files=photos, actor=request.user))
                    return redirect("onboarding:bulk-photos", pk=app.pk)
    elif request.method == "POST" and request.POST.get("action") == "cancel":
        _discard(request, target)
        messages.info(request, _("The import was cancelled; nothing was saved."))
    elif request.method == "POST":
        form = forms.BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            upload.seek(0)
            data = upload.read()
            filename = upload.name
            try:
                results = bulk.validate_file(data, filename)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                token = _stash(request, target, data, filename)
    n_ok = sum(1 for r in results if r.ok) if results else 0
    context.update(
        {
            "title": title,
            "form": form,
            "rows": [(bf, []) for bf in form.visible_fields()],
            "results": results,
            "n_ok": n_ok,
            "n_bad": (len(results) - n_ok) if results else 0,
            "token": token,
            "filename": filename,
            "columns": bulk.COLUMNS,
        }
    )
    return render(request, "onboarding/bulk.html", context)


@officer_required
def bulk_import(request, pk):
    """Add products to an existing application (a new stall's, or products to add)."""
    _require_officer(request.user)
    app = get_object_or_404(Application.objects.in_scope_of(request.user), pk=pk)

    if not services.can_edit(app, request.user):
        messages.error(
            request,
            _("This application cannot be changed now (%(state)s).") % {"state": app.get_state_display()},
        )
        return redirect("onboarding:detail", pk=app.pk)

    def confirm(results):
        bulk.create_products(app=app, results=results, actor=request.user)
        return app

    return _handle(
        request,
        target=f"app:{app.pk}",
        title=_("Import products into application #%(pk)s") % {"pk": app.pk},
        context={"app": app, "back_url": reverse("onboarding:detail", kwargs={"pk": app.pk})},
        on_confirm=confirm,
    )


@officer_required
def bulk_import_producer(request, producer_pk):
    """A new ADD_PRODUCTS application for an existing producer, from a spreadsheet."""
    _require_officer(request.user)
    producer = get_object_or_404(Producer.objects.visible_to(request.user), pk=producer_pk)
    if producer.owner_id is None:
        messages.error(
            request,
            _("This producer has no household account yet: create the account first, then import its products."),
        )
        return redirect("onboarding:home")

    def confirm(results):
        return bulk.create_application_from_rows(producer=producer, results=results, actor=request.user)

    return _handle(
        request,
        target=f"producer:{producer.pk}",
        title=_("Import products of %(name)s") % {"name": producer.legal_name},
        context={"producer": producer, "back_url": reverse("onboarding:home")},
        on_confirm=confirm,
    )


MAX_FILES_AT_ONCE = 100  # Django's DATA_UPLOAD_MAX_NUMBER_FILES


def _report_photos(request, result) -> None:
    if result.count:
        messages.success(
            request,
            _("%(n)s photos saved for %(p)s products.") % {"n": result.count, "p": len(result.saved)},
        )
    if result.unmatched:
        messages.error(
            request,
            _(
                "These files match no product by their name: %(names)s. "
                "Rename them like the product, or choose them under the product."
            )
            % {"names": ", ".join(result.unmatched[:20])},
        )
    for error in result.errors[:20]:
        messages.error(request, error)


@officer_required
def bulk_photos(request, pk):
    """Photos for every product of an application on one page: many files matched by their
    names, or chosen per product; the page comes back with what was placed where."""
    _require_officer(request.user)
    app = get_object_or_404(Application.objects.in_scope_of(request.user), pk=pk)

    if not services.can_edit(app, request.user):
        messages.error(
            request,
            _("This application cannot be changed now (%(state)s).") % {"state": app.get_state_display()},
        )
        return redirect("onboarding:detail", pk=app.pk)
    if request.method == "POST":
        per_product = {}
        for key in request.FILES:
            if key.startswith("p-") and key[2:].isdigit():
                per_product[int(key[2:])] = request.FILES.getlist(key)
        files = request.FILES.getlist("photos")
        if not files and not per_product:
            messages.error(request, _("Choose the photos first."))
            return redirect("onboarding:bulk-photos", pk=app.pk)
        try:
            result = bulk.attach_photos(app=app, files=files, per_product=per_product, actor=request.user)
        except services.TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("onboarding:detail", pk=app.pk)
        _report_photos(request, result)
        return redirect("onboarding:bulk-photos", pk=app.pk)

    products = list(
        app.products.order_by("sort_order", "pk").prefetch_related(
            Prefetch(
                "photos",
                queryset=ApplicationPhoto.objects.select_related("image")
                .prefetch_related("image__renditions")
                .order_by("sort_order", "pk"),
            )
        )
    )
    without = [p for p in products if not p.photos.all()]
    return render(
        request,
        "onboarding/bulk_photos.html",
        {
            "app": app,
            "products": products,
            "n_without": len(without),
            "max_files": MAX_FILES_AT_ONCE,
            "next_url": reverse("onboarding:step", kwargs={"pk": app.pk, "step": "documents"}),
        },
    )


@officer_required
def bulk_template(request, fmt):
    _require_officer(request.user)
    if fmt == "csv":
        response = HttpResponse(bulk.template_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            bulk.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="mau-danh-sach-san-pham.{fmt}"'
    return response
