"""The officer side: the review queue, assisted listing, review actions, the dashboard,
and everyone's in-app notifications.

Objects are fetched through ``Application.objects.visible_to(user)`` (a foreign id is a 404);
state changes go through ``onboarding.services`` only, whose refusals are shown as messages.
"""

import datetime
import statistics

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import OcopCertificate
from core import roles
from producers.models import Commune, Producer

from . import services
from .accounts import set_password_url
from .forms import QuickStallForm
from .models import Application, Notification
from .officer_forms import AssistedHouseholdForm, CommentForm, QueueFilterForm, RejectForm, RequestChangesForm

S = Application.State
SESSION_LINKS = "onboarding_set_password_links"


# Officers and editors use these screens (officers need not be Django staff).
reviewer_required = roles.role_required(roles.reviews_applications)


def _communes_of(user):
    """The communes a reviewer filters by: an officer's own, or every commune with applications."""
    if roles.sees_all_producers(user):
        return Commune.objects.filter(pk__in=Application.objects.values("commune")).select_related("province")
    profile = roles.officer_profile(user)
    if profile is None:
        return Commune.objects.none()
    return profile.communes.select_related("province")


# --- queue -----------------------------------------------------------------------------


@reviewer_required
def queue(request):
    """Applications of the officer's communes, oldest first, with counts per state."""
    communes = list(_communes_of(request.user))
    form = QueueFilterForm(request.GET or None, communes=communes)
    scope = Application.objects.in_scope_of(request.user).with_household_needs()
    state = commune = language = ""
    no_smartphone = False
    if form.is_bound and form.is_valid():
        state, commune = form.cleaned_data["state"], form.cleaned_data["commune"]
        language, no_smartphone = form.cleaned_data["language"], form.cleaned_data["no_smartphone"]
    if commune:
        scope = scope.filter(commune_id=commune)
    if language:
        scope = scope.filter(household_language=language)
    if no_smartphone:
        scope = scope.filter(household_no_smartphone=True)
    counts = dict(scope.order_by().values_list("state").annotate(n=Count("pk")))
    apps = scope.filter(state=state) if state else scope
    apps = apps.select_related("household", "commune__province", "officer", "producer").order_by(
        Coalesce("submitted_at", "created_at"), "pk"
    )
    page = Paginator(apps, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    state_counts = [
        {"value": value, "label": label, "count": counts.get(value, 0), "active": value == state}
        for value, label in S.choices
    ]
    return render(
        request,
        "onboarding/officer/queue.html",
        {
            "form": form,
            "page": page,
            "state_counts": state_counts,
            "total": sum(counts.values()),
            "commune": commune,
            "state": state,
            "needs_filtered": bool(language or no_smartphone),
            "query": query.urlencode(),
            "keep": _filter_query(query),
            "today": timezone.now(),
        },
    )


def _filter_query(query) -> str:
    """The filters other than the state, for the links of the state counts."""
    kept = query.copy()
    kept.pop("state", None)
    return kept.urlencode()


# --- assisted listing ------------------------------------------------------------------


@reviewer_required
def assisted_new(request):
    """Quick listing, first screen: the household's account, its stall, address, ID number and
    bank account at once; the next screen is its first product."""
    # A cycle: onboarding.household_views imports this module.
    from .household_views import _privacy_context, _rows

    communes = list(_communes_of(request.user))
    form = AssistedHouseholdForm(request.POST or None, initial={"commune": _likely_commune(request.user, communes)})
    form.fields["commune"] = _commune_field(communes)
    draft = Application(representative=" ".join(request.POST.get("full_name", "").split()))
    stall_form = QuickStallForm(request.POST or None, instance=draft, with_address=False, on_behalf=True)
    if request.method == "POST" and form.is_valid() and stall_form.is_valid():
        commune = next((c for c in communes if str(c.pk) == form.cleaned_data["commune"]), None)
        try:
            with transaction.atomic():
                app, link = services.household_assisted_create(
                    officer=request.user,
                    full_name=form.cleaned_data["full_name"],
                    phone=form.cleaned_data["phone"],
                    commune=commune,
                    language=form.cleaned_data["language"],
                    no_smartphone=form.cleaned_data["no_smartphone"],
                )
                saved = QuickStallForm(request.POST, instance=app, with_address=False, on_behalf=True)
                if saved.is_valid() and saved.has_changed():
                    services.application_form_save(application=app, form=saved, actor=request.user, step="quick")
        except ValidationError as exc:
            form.add_error("phone", exc)
        except services.TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            links = request.session.get(SESSION_LINKS, {})
            links[str(app.pk)] = request.build_absolute_uri(link)
            request.session[SESSION_LINKS] = links
            return redirect("onboarding:step", pk=app.pk, step="quick-product")
    context = {"form": form, "stall_rows": [r for r in _rows(stall_form) if r[0].name != "data_consent"]}
    context.update(_privacy_context(stall_form))
    return render(request, "onboarding/officer/assisted_new.html", context)


def _likely_commune(user, communes):
    """The officer's only commune, or the one of the last household they listed."""
    if len(communes) == 1:
        return str(communes[0].pk)
    last = (
        Application.objects.filter(created_by=user, commune__in=[c.pk for c in communes])
        .order_by("-pk")
        .values_list("commune", flat=True)
        .first()
    )
    return str(last) if last else ""


def _commune_field(communes):
    return forms.ChoiceField(
        label=_("Commune or ward of the household"),
        required=False,
        choices=[("", _("Choose later"))] + [(str(c.pk), str(c)) for c in communes],
    )


def _reviewer_app(request, pk):
    """An application the reviewer may see; for anyone else (a farmer included) a 404."""
    if not roles.reviews_applications(request.user):
        raise Http404
    return get_object_or_404(Application.objects.visible_to(request.user).select_related("household"), pk=pk)


@login_required
def assisted_created(request, pk):
    """Shows the one-time set-password link once; afterwards a new one can be made."""
    app = _reviewer_app(request, pk)
    links = request.session.get(SESSION_LINKS, {})
    link = links.pop(str(pk), None)
    request.session[SESSION_LINKS] = links
    return render(
        request,
        "onboarding/officer/assisted_created.html",
        {"app": app, "link": link, "can_new_link": not app.household.has_usable_password()},
    )


@login_required
@require_POST
def new_password_link(request, pk):
    """A fresh one-time link for a household that has not chosen its password yet."""

    app = _reviewer_app(request, pk)
    if not services.is_reviewer(app, request.user) or app.household.has_usable_password():
        messages.error(request, _("The household has already chosen its password: it can log in with its phone."))
        return redirect("onboarding:detail", pk=app.pk)
    links = request.session.get(SESSION_LINKS, {})
    links[str(app.pk)] = request.build_absolute_uri(set_password_url(app.household))
    request.session[SESSION_LINKS] = links
    return redirect("onboarding:assisted-created", pk=app.pk)


# --- review actions (POST only; shown on the application page) --------------------------


def _act(request, pk, do, success: str):
    app = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
    try:
        do(app)
    except services.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("onboarding:detail", pk=app.pk)


@login_required
@require_POST
def review_start(request, pk):
    return _act(
        request, pk, lambda app: services.start_review(app, request.user), _("You are now reviewing this application.")
    )


@login_required
@require_POST
def review_comment(request, pk):
    form = CommentForm(request.POST)
    if not form.is_valid():
        get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
        messages.error(request, _("Write the comment first."))
        return redirect("onboarding:detail", pk=pk)
    return _act(
        request,
        pk,
        lambda app: services.add_comment(
            app, request.user, text=form.cleaned_data["text"], field=form.cleaned_data["field"]
        ),
        _("Your comment was added."),
    )


@login_required
@require_POST
def review_request_changes(request, pk):
    form = RequestChangesForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda app: services.request_changes(app, request.user, comment=comment),
        _("The application was sent back to the household with your comments."),
    )


@login_required
@require_POST
def review_approve(request, pk):
    return _act(
        request,
        pk,
        lambda app: services.approve(
            app, request.user, confirm_zero_stock=request.POST.get("confirm_zero_stock") in ("on", "1", "true")
        ),
        _("Approved: the stall and products are now on the storefront."),
    )


@login_required
@require_POST
def review_reject(request, pk):
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda app: services.reject(app, request.user, reason=reason),
        _("The application was rejected. The household will see your reason."),
    )


# --- dashboard -------------------------------------------------------------------------


def _certificates_in_scope(user):
    certs = OcopCertificate.objects.all()
    if roles.sees_all_producers(user):
        return certs
    profile = roles.officer_profile(user)
    if profile is None:
        return certs.none()
    return certs.filter(
        Q(product__producer__stall__commune__in=profile.communes.values("pk")) | Q(product__producer__officer=user)
    )


def _producers_in_scope(user):
    """Producers with a stall in the officer's communes, or assigned to them; all for an editor."""

    if roles.sees_all_producers(user):
        return Producer.objects.all()
    profile = roles.officer_profile(user)
    if profile is None:
        return Producer.objects.none()
    return Producer.objects.filter(Q(stall__commune__in=profile.communes.values("pk")) | Q(officer=user))


def _household_counts(user):
    """Households per language and per way of onboarding, and how many have no smartphone.

    A household is a producer in scope, or one whose stall application is still on its way
    (not rejected or withdrawn, no producer yet); two grouped queries in all.
    """

    producers = _producers_in_scope(user).order_by()
    pending = (
        Application.objects.in_scope_of(user)
        .filter(kind=Application.Kind.NEW_STALL, producer__isnull=True)
        .exclude(state__in=[S.REJECTED, S.WITHDRAWN])
        .order_by()
    )
    languages = dict.fromkeys(Producer.Language.values, 0)
    ways = dict.fromkeys([*Producer.Onboarding.values, ""], 0)
    no_phone = 0
    via = Case(
        When(created_by=F("household"), then=Value(Producer.Onboarding.SELF_SERVICE)),
        default=Value(Producer.Onboarding.ASSISTED),
    )
    # A household has at most one stall application on its way: counting per pair is exact.
    rows = [
        *producers.values_list("language", "onboarded_via").annotate(
            n=Count("pk", distinct=True), without=Count("pk", filter=Q(no_smartphone=True), distinct=True)
        ),
        *pending.annotate(via=via)
        .values_list("language", "via")
        .annotate(
            n=Count("household", distinct=True),
            without=Count("household", filter=Q(no_smartphone=True), distinct=True),
        ),
    ]
    for language, way, n, without in rows:
        languages[language] = languages.get(language, 0) + n
        ways[way] = ways.get(way, 0) + n
        no_phone += without
    by_language = [{"value": v, "label": label, "count": languages.get(v, 0)} for v, label in Producer.Language.choices]
    by_onboarding = [{"value": v, "label": label, "count": ways.get(v, 0)} for v, label in Producer.Onboarding.choices]
    if ways.get(""):
        by_onboarding.append({"value": "", "label": _("Not recorded"), "count": ways[""]})
    return by_language, by_onboarding, no_phone


@reviewer_required
def dashboard(request):
    scope = Application.objects.in_scope_of(request.user)
    counts = dict(scope.order_by().values_list("state").annotate(n=Count("pk")))
    per_state = [{"value": v, "label": label, "count": counts.get(v, 0)} for v, label in S.choices]

    published = (
        scope.filter(state=S.PUBLISHED, published_at__isnull=False, submitted_at__isnull=False)
        .order_by()
        .values_list("submitted_at", "published_at")
    )
    days = [(done - first).total_seconds() / 86400 for first, done in published]
    median_days = round(statistics.median(days), 1) if days else None

    now = timezone.localtime()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    onboarded = (
        scope.filter(state=S.PUBLISHED, kind=Application.Kind.NEW_STALL, published_at__gte=month_start)
        .order_by()
        .values("commune_id", name=F("commune__name"), province_name=F("commune__province__short_name"))
        .annotate(households=Count("household", distinct=True))
        .order_by("-households", "name")
    )

    today = timezone.localdate()
    expiring = (
        _certificates_in_scope(request.user)
        .filter(status=OcopCertificate.Status.ACTIVE, expires_on__gte=today)
        .filter(expires_on__lte=today + datetime.timedelta(days=90))
        .select_related("product__producer__stall")
        .order_by("expires_on", "pk")
    )
    by_language, by_onboarding, no_smartphone = _household_counts(request.user)
    expiring_list = list(expiring[:50])
    for cert in expiring_list:
        cert.days_left = (cert.expires_on - today).days
    return render(
        request,
        "onboarding/officer/dashboard.html",
        {
            "per_state": per_state,
            "total": sum(counts.values()),
            "median_days": median_days,
            "published_count": len(days),
            "onboarded": list(onboarded),
            "month": month_start,
            "expiring": expiring_list,
            "by_language": by_language,
            "by_onboarding": by_onboarding,
            "no_smartphone": no_smartphone,
            "expiring_more": max(0, expiring.count() - len(expiring_list)) if len(expiring_list) == 50 else 0,
        },
    )


# --- notifications (every signed-in user) -----------------------------------------------


@login_required
def notifications(request):
    """The user's notifications, newest first; those shown are marked read."""
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    items = list(page.object_list)
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread, user=request.user).update(read_at=timezone.now())
    for n in items:
        n.is_new = n.pk in unread
    return render(request, "onboarding/notifications.html", {"page": page, "items": items})


@login_required
def notification_open(request, pk):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if note.url and url_has_allowed_host_and_scheme(note.url, {request.get_host()}, require_https=request.is_secure()):
        return redirect(note.url)
    return redirect(reverse("onboarding:notifications"))
