"""For households without a smartphone: the officer's printed receipt, the household's needs
(language, no smartphone), what the household said on the phone, and the public status page
its receipt's QR code opens.

The officer's views fetch the application through ``Application.objects.visible_to(user)``
and write through ``onboarding.services`` only, which checks the officer's scope again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.phone import display_vn_phone

from . import receipt as paper
from . import services
from .officer_forms import HouseholdNeedsForm, PhoneReplyForm
from .officer_views import _reviewer_app


def _reviewer_in_scope(request, pk):
    """An application the user may act on as a reviewer; anyone else gets a 404."""
    app = _reviewer_app(request, pk)
    if not services.is_reviewer(app, request.user):
        raise Http404
    return app


@login_required
@require_GET
def receipt(request, pk):
    """The household's A5 receipt, in its language, to print and hand over."""
    app = _reviewer_in_scope(request, pk)
    officer = app.officer if app.officer_id else request.user
    data = paper.receipt_pdf(paper.receipt_for(app, officer=officer))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ho-so-{app.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def household_needs(request, pk):
    app = _reviewer_in_scope(request, pk)
    form = HouseholdNeedsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages in the list."))
        return redirect("onboarding:detail", pk=app.pk)
    try:
        services.household_needs_save(
            application=app,
            actor=request.user,
            language=form.cleaned_data["language"],
            no_smartphone=form.cleaned_data["no_smartphone"],
        )
    except services.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved: the household's language and phone."))
    return redirect("onboarding:detail", pk=app.pk)


@login_required
@require_POST
def phone_reply(request, pk):
    app = _reviewer_in_scope(request, pk)
    form = PhoneReplyForm(request.POST, application=app)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("onboarding:detail", pk=app.pk)
    try:
        services.household_reply_by_phone(
            application=app,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            comment=form.cleaned_data.get("comment"),
        )
    except services.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Recorded in the history, on the household's behalf."))
    return redirect("onboarding:detail", pk=app.pk)


@never_cache
@require_GET
def status(request, token):
    """The state of one application for whoever holds its signed link: no login, and nothing
    about the household beyond its stall's name."""
    app = paper.application_from_token(token)
    if app is None:
        raise Http404
    officer = app.officer
    profile = getattr(officer, "officer_profile", None) if officer is not None else None

    phone = profile.phone if profile is not None else ""
    response = render(
        request,
        "onboarding/status.html",
        {
            "app": app,
            "meaning": paper.STATE_MEANING[app.state],
            "n_products": app.products.count(),
            "officer_name": services.full_name(officer) if officer is not None else "",
            "officer_phone": display_vn_phone(phone) if phone.startswith("+84") else phone,
            "officer_tel": phone,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
