"""The household side: accounts, the step-by-step wizard, the application page.

Every object is fetched through ``Application.objects.visible_to(user)`` (someone else's
application is a 404); each step is a small handler: a form validates, one function of
``onboarding.services`` writes (and records the audit trail), and the state moves only through
``services.submit`` / ``services.withdraw``. The short path (``quick``, ``quick-product``, then
``review``) comes first; the long steps stay for details and corrections. The same wizard
serves an officer doing an assisted listing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import roles, throttle
from core.phone import display_vn_phone, normalize_vn_phone
from core.redirects import safe_next
from producers.banks import bank_name
from producers.models import Commune, Producer, Stall

from . import accounts, addresses, forms, services
from .checklist import checklist
from .models import Application, ApplicationPhoto, ApplicationProduct, ReviewComment
from .officer_views import SESSION_LINKS
from .privacy import notice_text

LOGIN_URL = reverse_lazy("onboarding:login")
member_required = login_required(login_url=LOGIN_URL)

STEP_TITLES = {
    "producer": gettext_lazy("Producer"),
    "stall": gettext_lazy("Stall"),
    "address": gettext_lazy("Address"),
    "products": gettext_lazy("Products"),
    "photos": gettext_lazy("Photos"),
    "documents": gettext_lazy("Documents"),
    "payment": gettext_lazy("Payment"),
    "review": gettext_lazy("Review and send"),
}
ALL_STEPS = tuple(STEP_TITLES)
# The short path: the household and its stall on one screen, the product with its photo and
# documents on the next, then the review. The long steps stay for corrections and details.
QUICK_TITLES = {
    "quick": gettext_lazy("Your stall"),
    "quick-product": gettext_lazy("Your product"),
}
PRODUCT_ONLY_STEPS = ("products", "photos", "documents", "payment", "review")
# Checklist keys that are shown on another field of the form.
KEY_TO_FIELD = {"food_safety": "food_safety_number", "ocop_scan": "ocop_scan_upload", "products": "name"}


AUDIT_FIELD_TITLES = {
    **QUICK_TITLES,
    "data_consent": gettext_lazy("Personal data"),
    "household_needs": gettext_lazy("Household's needs"),
}


def steps_for(app) -> tuple[str, ...]:
    return ALL_STEPS if app.kind == Application.Kind.NEW_STALL else PRODUCT_ONLY_STEPS


def quick_steps_for(app) -> tuple[str, ...]:
    if app.kind == Application.Kind.NEW_STALL:
        return ("quick", "quick-product")
    if app.kind == Application.Kind.ADD_PRODUCTS:
        return ("quick-product",)
    return ()


def first_step(app) -> str:
    return (quick_steps_for(app) or steps_for(app))[0]


def _can_edit(app, user) -> bool:
    return bool(services.can_edit(app, user))


def _get_app(request, pk):
    qs = Application.objects.visible_to(request.user).select_related(
        "household", "commune__province", "province", "producer", "address_confirmed_by"
    )
    return get_object_or_404(qs, pk=pk)


def _user_label(user) -> str:
    if user is None:
        return ""

    name = user.get_full_name().strip()
    username = user.get_username()
    return name or (display_vn_phone(username) if username.startswith("+84") else username)


# --- accounts ---------------------------------------------------------------------------


def _after_login(user):
    if roles.reviews_applications(user):
        return reverse("onboarding:queue")
    return reverse("onboarding:home")


def _login_name(value: str) -> str:
    """The account a login or registration aims at: the phone number however typed, else the text."""

    value = value.strip()[:150]
    try:
        return normalize_vn_phone(value)
    except ValidationError:  # not a phone number: a user name
        return value.lower()


def login_view(request):
    """Log in with the phone number however it is typed (``0912 345 678``), or a user name."""
    if request.method == "POST":
        # Besides django-axes (a user name from one address): per client, and failed logins
        # per phone number from any address (core/throttle.py).
        by_client = (throttle.LOGIN_BY_CLIENT, throttle.client_id(request))
        by_phone = (throttle.LOGIN_BY_PHONE, _login_name(request.POST.get("username", "")))
        limit = throttle.exceeded(by_client, by_phone)
        if limit is not None:
            return throttle.too_many(request, limit)
        throttle.hit(by_client)
        form = forms.LoginForm(request, data=request.POST)
        if form.is_valid():
            auth_login(request, form.user)
            return HttpResponseRedirect(safe_next(request, _after_login(form.user)))
        throttle.hit(by_phone)
    else:
        form = forms.LoginForm(request)
    return render(request, "onboarding/login.html", {"form": form, "next": safe_next(request, ""), "rows": _rows(form)})


@require_POST
def logout_view(request):
    auth_logout(request)
    messages.success(request, _("You are logged out."))
    return redirect("onboarding:login")


def register_view(request):
    """The household's account and its stall application at once: the next screen is the first step."""
    if request.user.is_authenticated:
        return redirect("onboarding:home")
    if request.method == "POST":
        by_client = (throttle.REGISTER_BY_CLIENT, throttle.client_id(request))
        by_phone = (throttle.REGISTER_BY_PHONE, _login_name(request.POST.get("phone", "")))
        limit = throttle.exceeded(by_client, by_phone)
        if limit is not None:
            return throttle.too_many(request, limit)
        throttle.hit(by_client, by_phone)
        form = forms.RegisterForm(request.POST)
        if form.is_valid():
            try:
                user, app = services.household_register(
                    full_name=form.cleaned_data["full_name"],
                    phone=form.cleaned_data["phone"],
                    password=form.cleaned_data["password1"],
                    province=form.cleaned_data.get("province"),
                )
            except ValidationError as exc:
                form.add_error("phone", exc)
            else:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your account is ready. Now tell us about your stall."))
                return redirect("onboarding:step", pk=app.pk, step=first_step(app))
    else:
        form = forms.RegisterForm()
    return render(request, "onboarding/register.html", {"form": form, "rows": _rows(form)})


def set_password_view(request, token):
    # The link's token is the secret: requests limited per client and per token.
    checks = ((throttle.SET_PASSWORD_BY_CLIENT, throttle.client_id(request)), (throttle.SET_PASSWORD_BY_TOKEN, token))
    limit = throttle.exceeded(*checks)
    if limit is not None:
        return throttle.too_many(request, limit)
    throttle.hit(*checks)
    user = accounts.user_from_token(token)
    if user is None:
        return render(request, "onboarding/set_password_invalid.html", status=404)
    if request.method == "POST":
        form = forms.SetPasswordForm(user, request.POST)
        if form.is_valid():
            user.set_password(form.cleaned_data["password1"])
            user.save(update_fields=["password"])
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password is set. From now on, log in with your phone number."))
            return redirect("onboarding:home")
    else:
        form = forms.SetPasswordForm(user)

    return render(
        request,
        "onboarding/set_password.html",
        {"form": form, "rows": _rows(form), "account": display_vn_phone(user.get_username()), "who": _user_label(user)},
    )


# --- lists ------------------------------------------------------------------------------


@member_required
def home(request):
    """The household's applications, their state and the officers' comments."""
    user = request.user
    open_comments = ReviewComment.objects.filter(resolved=False).select_related("author").order_by("created_at")
    apps = list(
        Application.objects.visible_to(user)
        .filter(Q(household=user) | Q(created_by=user))
        .select_related("commune", "producer")
        .annotate(n_products=Count("products", distinct=True))
        .prefetch_related(Prefetch("comments", queryset=open_comments, to_attr="open_comments"))
        .order_by("-updated_at", "-pk")
    )
    open_new_stall = any(a.kind == Application.Kind.NEW_STALL and a.is_open and a.household_id == user.pk for a in apps)
    return render(
        request,
        "onboarding/home.html",
        {
            "apps": apps,
            "is_officer": roles.reviews_applications(user),
            "can_start": not open_new_stall,
            "editable_states": services.EDITABLE_STATES,  # the states whose application opens to edit
        },
    )


def _kinds_for(user):
    producer = Producer.objects.filter(owner=user).order_by("pk").first()
    if producer is None:
        return None, [(Application.Kind.NEW_STALL, _("Open my stall and list my first products"))]
    return producer, [(Application.Kind.ADD_PRODUCTS, _("Add products to my stall"))]


@member_required
def new_application(request):
    user = request.user
    if roles.reviews_applications(user):
        return redirect("onboarding:assisted-new")
    producer, kinds = _kinds_for(user)
    if producer is None and request.method != "POST":
        # One stall per household: continue the open application rather than start a second one.
        current = (
            Application.objects.visible_to(user)
            .filter(household=user, kind=Application.Kind.NEW_STALL)
            .exclude(state__in=[Application.State.REJECTED, Application.State.WITHDRAWN, Application.State.PUBLISHED])
            .order_by("pk")
            .first()
        )
        if current is not None:
            messages.info(request, _("You already have an application for your stall: continue it here."))
            return redirect("onboarding:detail", pk=current.pk)
    if request.method == "POST":
        # The kind follows from the household: a new stall, or products for its stall.
        try:
            app, created = services.household_application_start(household=user)
        except services.TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("onboarding:home")
        if not created:
            messages.info(request, _("You already have an application for your stall: continue it here."))
            return redirect("onboarding:detail", pk=app.pk)
        return redirect("onboarding:step", pk=app.pk, step=first_step(app))
    form = forms.NewApplicationForm(kinds=kinds)
    return render(request, "onboarding/new.html", {"form": form})


# --- the application page ---------------------------------------------------------------


def _anchor(key: str) -> str:
    """The id of the field a checklist key is shown next to ("product:3:price" → "f-price")."""
    name = key.rsplit(":", 1)[-1]
    return "f-" + KEY_TO_FIELD.get(name, name)


def _with_anchors(items):
    return [
        {
            "key": i.key,
            "label": i.label,
            "message": i.message,
            "step": i.step,
            "anchor": _anchor(i.key),
            "product": i.product_pk,
        }
        for i in items
    ]


def _step_of_key(items):
    return {item.key: item.step for item in items}


QUICK_STALL_STEPS = ("producer", "stall", "address", "payment")


def _first_open_step(app, items):
    """Where to continue: the short path while the application has no product yet, else the
    first step with something missing."""
    quick = quick_steps_for(app)
    if quick and not app.products.exists():
        if "quick" in quick and any(not i.ok and i.step in QUICK_STALL_STEPS for i in items):
            return "quick"
        return "quick-product"
    steps = steps_for(app)
    for item in items:
        if not item.ok and item.step in steps:
            return item.step
    return "review"


def _step_states(app, items, current=None):
    missing_by_step: dict[str, int] = {}
    for item in items:
        if not item.ok:
            missing_by_step[item.step] = missing_by_step.get(item.step, 0) + 1
    return [
        {
            "slug": s,
            "title": STEP_TITLES[s],
            "n": i,
            "missing": missing_by_step.get(s, 0),
            "current": s == current,
            "url": reverse("onboarding:step", kwargs={"pk": app.pk, "step": s}),
        }
        for i, s in enumerate(steps_for(app), start=1)
    ]


def _published_stall(app):
    """The stall on the storefront once the application is published (for the link to it)."""
    if app.state != Application.State.PUBLISHED or not app.producer_id:
        return None

    return Stall.objects.filter(producer_id=app.producer_id, is_published=True).first()


@member_required
def detail(request, pk):
    app = _get_app(request, pk)
    items = checklist(app)
    missing = [i for i in items if not i.ok]
    can_edit = _can_edit(app, request.user)
    audit = list(app.audit.select_related("actor").order_by("created_at", "pk"))
    comments = list(app.comments.select_related("author").order_by("created_at", "pk"))
    step_of = _step_of_key(items)
    steps = steps_for(app)
    for c in comments:
        c.step = step_of.get(c.field, "") if step_of.get(c.field, "") in steps else ""
    is_household = request.user.pk == app.household_id
    review = services.can_act(app, request.user)
    can_withdraw = bool(review.get("withdraw"))
    context = {
        "app": app,
        "items": items,
        "missing": missing,
        "step_slugs": steps,
        "steps": _step_states(app, items),
        "continue_step": _first_open_step(app, items),
        "can_edit": can_edit,
        "can_submit": can_edit and not missing,
        "can_withdraw": can_withdraw,
        "submit_form": forms.SubmitForm(),
        "withdraw_form": forms.WithdrawForm(),
        "needs_consent": not is_household,
        "audit": audit,
        "comments": comments,
        "is_household": is_household,
        "review": review,  # the officer's actions this user may take (onboarding/_officer_actions.html)
        "officer_actions": "onboarding/_officer_actions.html",
        "needs_address_confirmation": addresses.needs_confirmation(app),
        "household_label": _user_label(app.household),
        "stall": _published_stall(app),
    }
    for entry in audit:
        entry.actor_label = _user_label(entry.actor)
        entry.field_label = STEP_TITLES.get(entry.field) or AUDIT_FIELD_TITLES.get(entry.field, entry.field)
    for c in comments:
        c.author_label = _user_label(c.author)
    return render(request, "onboarding/detail.html", context)


@member_required
@require_POST
def submit_view(request, pk):
    app = _get_app(request, pk)
    form = forms.SubmitForm(request.POST)
    if form.is_valid():
        consent = form.cleaned_data["consent"]
        if request.user.pk != app.household_id and not consent:
            messages.error(request, _("Tick the box to confirm that the household agrees before you send it."))
            return redirect("onboarding:step", pk=app.pk, step="review")
        try:
            services.submit(app, request.user, consent=consent, comment=form.cleaned_data["comment"])
        except services.TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("onboarding:step", pk=app.pk, step="review")
        messages.success(request, _("Your application is sent. An officer will check it and answer here."))
    return redirect("onboarding:detail", pk=app.pk)


@member_required
@require_POST
def withdraw_view(request, pk):
    app = _get_app(request, pk)
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(app, request.user, comment=form.cleaned_data["comment"])
        except services.TransitionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The application is withdrawn."))
    return redirect("onboarding:detail", pk=app.pk)


# --- the wizard -------------------------------------------------------------------------


def _rows(form, notes=None):
    """(bound field, [messages]) pairs: the checklist's and the officer's notes next to each field."""
    notes = notes or {}
    return [(bf, notes.get(bf.name, [])) for bf in form.visible_fields()]


def _notes_for(items, comments, prefix=""):
    """{field name: [messages]} from missing checklist items and open officer comments."""
    notes: dict[str, list[str]] = {}
    for item in items:
        if item.ok or not item.key.startswith(prefix):
            continue
        key = item.key[len(prefix) :]
        if ":" in key:
            continue
        notes.setdefault(KEY_TO_FIELD.get(key, key), []).append(item.message)
    for c in comments:
        if c.field and c.field.startswith(prefix):
            key = c.field[len(prefix) :]
            if ":" not in key:
                notes.setdefault(KEY_TO_FIELD.get(key, key), []).append(_("Officer: %(text)s") % {"text": c.text})
    return notes


def _next_step(app, step):
    steps = steps_for(app)
    i = steps.index(step)
    return steps[min(i + 1, len(steps) - 1)]


def _after_save(request, app, step, product=None):
    go = request.POST.get("go", "next")
    if go == "stay" or go == "another":
        url = reverse("onboarding:step", kwargs={"pk": app.pk, "step": step})
        if go == "another":
            return HttpResponseRedirect(url + "?p=new")
        return HttpResponseRedirect(url + (f"?p={product.pk}" if product else ""))
    messages.success(request, _("Saved."))
    return redirect("onboarding:step", pk=app.pk, step=_next_step(app, step))


@member_required
def step_view(request, pk, step):
    app = _get_app(request, pk)
    if step not in steps_for(app) and step not in quick_steps_for(app):
        raise Http404
    can_edit = _can_edit(app, request.user)
    if request.method == "POST" and not can_edit:
        messages.error(
            request,
            _("This application cannot be changed now (%(state)s).") % {"state": app.get_state_display()},
        )
        return redirect("onboarding:detail", pk=app.pk)
    handler = {
        "quick": _quick_step,
        "quick-product": _quick_product_step,
        "producer": _simple_step(forms.ProducerStepForm),
        "stall": _simple_step(forms.StallStepForm),
        "payment": _simple_step(forms.PaymentStepForm),
        "address": _address_step,
        "products": _products_step,
        "photos": _photos_step,
        "documents": _documents_step,
        "review": _review_step,
    }[step]
    try:
        return handler(request, app, step, can_edit)
    except services.TransitionError as exc:
        # e.g. an officer moving the application to a commune they do not serve: nothing is saved.
        messages.error(request, exc.message)
        return redirect("onboarding:detail", pk=app.pk)


def _context(request, app, step, can_edit, **extra):
    items = extra.pop("items", None) or checklist(app)
    comments = extra.pop("comments", None)
    if comments is None:
        comments = list(app.comments.filter(resolved=False).select_related("author"))
    step_of = _step_of_key(items)
    step_comments = [c for c in comments if step_of.get(c.field) == step or (not c.field and step == "review")]
    context = {
        "app": app,
        "step": step,
        "step_title": STEP_TITLES.get(step) or QUICK_TITLES[step],
        "steps": _step_states(app, items, current=step),
        "missing": _with_anchors([i for i in items if not i.ok and i.step == step]),
        "step_comments": step_comments,
        "can_edit": can_edit,
        "is_last": step == steps_for(app)[-2] if len(steps_for(app)) > 1 else True,
        "acting_for": request.user.pk != app.household_id,
        "step_slugs": steps_for(app),
        "household_label": _user_label(app.household),
        "stall": _published_stall(app),
    }
    context.update(extra)
    return context, items, comments


def _privacy_context(form):
    """The privacy notice (Decree 13/2023) and its consent box, for forms that collect the ID or the account."""

    if not isinstance(form, forms.DataConsentMixin):
        return {}
    return {
        "privacy_notice": notice_text(),
        "consent_field": form["data_consent"] if "data_consent" in form.fields else None,
    }


def _simple_step(form_class):
    def handle(request, app, step, can_edit):
        options = (
            {"on_behalf": request.user.pk != app.household_id} if issubclass(form_class, forms.DataConsentMixin) else {}
        )
        if request.method == "POST":
            form = form_class(request.POST, instance=app, **options)
            if form.is_valid():
                services.application_form_save(application=app, form=form, actor=request.user, step=step)
                return _after_save(request, app, step)
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
        else:
            form = form_class(instance=app, **options)
        context, items, comments = _context(request, app, step, can_edit, form=form)
        context["rows"] = _rows(form, _notes_for(items, comments))
        context.update(_privacy_context(form))
        return render(request, "onboarding/step_form.html", context)

    return handle


def _quick_step(request, app, step, can_edit):
    """The household and its stall on one screen: stall, address, ID number, bank account."""

    on_behalf = request.user.pk != app.household_id
    if request.method == "POST":
        data = request.POST.copy()
        province, commune = data.get("province"), data.get("commune")
        commune_dropped = (
            bool(commune) and not Commune.objects.filter(pk=commune, province_id=province or None).exists()
        )
        if commune_dropped:
            data["commune"] = ""
        form = forms.QuickStallForm(data, instance=app, on_behalf=on_behalf)
        if form.is_valid():
            app = services.application_form_save(application=app, form=form, actor=request.user, step=step)
            if app.province_id and not app.commune_id:
                messages.info(request, _("Now choose your commune or ward from the list."))
                return HttpResponseRedirect(request.path + "#f-commune")
            return redirect("onboarding:step", pk=app.pk, step="quick-product")
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    else:
        form = forms.QuickStallForm(instance=app, on_behalf=on_behalf)
    context, _items, _comments = _context(request, app, step, can_edit, form=form)
    context["rows"] = [r for r in _rows(form) if r[0].name != "data_consent"]
    context.update(_privacy_context(form))
    context["next_step_title"] = QUICK_TITLES["quick-product"]
    return render(request, "onboarding/step_quick.html", context)


def _quick_product_step(request, app, step, can_edit):
    """A product with its price, quantity, photo from the camera and documents on one screen."""
    products = _products(app)
    current = _current_product(request, products, allow_new=True)
    instance = current or ApplicationProduct(application=app)
    if request.method == "POST":
        form = forms.QuickProductForm(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            product = services.application_product_save(
                application=app,
                form=form,
                actor=request.user,
                step=step,
                photo=form.cleaned_data.get("photo"),
                scan=form.cleaned_scan,
            )
            if request.POST.get("go") == "another":
                messages.success(request, _("%(name)s is saved. Now the next product.") % {"name": product.name})
                return HttpResponseRedirect(request.path + "?p=new")
            return redirect("onboarding:step", pk=app.pk, step="review")
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    else:
        form = forms.QuickProductForm(instance=instance)
    context, _items, _comments = _context(request, app, step, can_edit, form=form, current=current, products=products)
    context["main_rows"], context["ocop_rows"], context["food_rows"] = form.section_rows(_rows(form))
    context["ocop_open"] = bool(instance.ocop_claimed or form["ocop_claimed"].value())
    context["food_open"] = bool(instance.packaged_food or form["packaged_food"].value())
    context["photos"] = list(current.photos.all()) if current else []
    return render(request, "onboarding/step_quick_product.html", context)


def _address_step(request, app, step, can_edit):
    action = request.POST.get("action", "address") if request.method == "POST" else None
    form = legacy_form = candidate_form = None
    candidates = addresses.candidate_communes(app.address_candidates or [])
    if action == "address":
        data = request.POST.copy()
        province, commune = data.get("province"), data.get("commune")
        commune_dropped = False
        if commune and not Commune.objects.filter(pk=commune, province_id=province or None).exists():
            data["commune"] = ""
            commune_dropped = True
        form = forms.AddressStepForm(data, instance=app)
        if form.is_valid():
            app = services.application_address_save(application=app, form=form, actor=request.user)
            if commune_dropped or (app.province_id and not app.commune_id):
                messages.info(request, _("Now choose your commune or ward from the list."))
                return redirect("onboarding:step", pk=app.pk, step=step)
            return _after_save(request, app, step)
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    elif action == "legacy":
        legacy_form = forms.LegacyAddressForm(request.POST)
        if legacy_form.is_valid():
            match = services.application_legacy_address_save(
                application=app, actor=request.user, text=legacy_form.cleaned_data["legacy_address"]
            )
            if not match.candidates:
                messages.error(
                    request,
                    _(
                        "We could not find this old address. Check the commune, district and province, "
                        "or choose the province and the new commune from the lists."
                    ),
                )
            elif len(match.candidates) == 1:
                messages.success(
                    request, _("Since July 2025 this address is in %(name)s.") % {"name": match.candidates[0].label}
                )
            else:
                messages.info(
                    request,
                    _("The old commune was split: choose which new commune or ward your address is in now."),
                )
            return redirect("onboarding:step", pk=app.pk, step=step)
    elif action == "candidate":
        candidate_form = forms.CandidateForm(request.POST, candidates=candidates)
        if candidate_form.is_valid():
            commune = next(c for c in candidates if c.code == candidate_form.cleaned_data["commune"])
            try:
                services.application_commune_choose(
                    application=app, actor=request.user, commune=commune, confirm=roles.confirms_addresses(request.user)
                )
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                return redirect("onboarding:step", pk=app.pk, step=step)
            return _after_save(request, app, step)
    form = form or forms.AddressStepForm(instance=app)
    legacy_form = legacy_form or forms.LegacyAddressForm(initial={"legacy_address": app.legacy_address})
    if candidates and candidate_form is None:
        initial = {"commune": app.commune_id} if app.commune_id in app.address_candidates else {}
        candidate_form = forms.CandidateForm(initial=initial, candidates=candidates)
    context, items, comments = _context(
        request,
        app,
        step,
        can_edit,
        form=form,
        legacy_form=legacy_form,
        candidate_form=candidate_form if len(candidates) > 1 else None,
        needs_confirmation=addresses.needs_confirmation(app),
        confirmed_by=_user_label(app.address_confirmed_by) if app.address_confirmed_by_id else "",
        # The same question the service asks: offer "confirm" only to who may confirm.
        is_officer=roles.confirms_addresses(request.user),
    )
    context["rows"] = _rows(form, _notes_for(items, comments))
    context["legacy_rows"] = _rows(legacy_form)
    return render(request, "onboarding/step_address.html", context)


def _products(app):
    return list(
        app.products.select_related("category").prefetch_related(
            Prefetch("photos", queryset=ApplicationPhoto.objects.select_related("image").order_by("sort_order", "pk"))
        )
    )


def _current_product(request, products, allow_new=False):
    wanted = request.POST.get("p") or request.GET.get("p")
    if wanted == "new" and allow_new:
        return None
    if wanted:
        for p in products:
            if str(p.pk) == wanted:
                return p
        raise Http404
    return products[0] if products else None


def _product_tabs(app, step, products, current):
    base = reverse("onboarding:step", kwargs={"pk": app.pk, "step": step})
    return [
        {
            "url": f"{base}?p={p.pk}",
            "name": p.name or _("Product %(n)s") % {"n": i},
            "current": current is not None and p.pk == current.pk,
        }
        for i, p in enumerate(products, start=1)
    ]


def _product_notes(items, comments, product):
    if product is None:
        return {}
    return _notes_for(items, comments, prefix=f"product:{product.pk}:")


def _products_step(request, app, step, can_edit):
    products = _products(app)
    current = _current_product(request, products, allow_new=True)
    if request.method == "POST":
        if request.POST.get("action") == "delete" and current is not None:
            services.application_product_delete(product=current, actor=request.user)
            messages.success(request, _("The product is removed."))
            return redirect("onboarding:step", pk=app.pk, step=step)
        form = forms.ProductForm(request.POST, instance=current or ApplicationProduct(application=app))
        if form.is_valid():
            product = services.application_product_save(application=app, form=form, actor=request.user, step=step)
            if request.POST.get("go") == "photos":
                url = reverse("onboarding:step", kwargs={"pk": app.pk, "step": "photos"})
                return HttpResponseRedirect(f"{url}?p={product.pk}")
            return _after_save(request, app, step, product=product)
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    else:
        form = forms.ProductForm(instance=current or ApplicationProduct(application=app))
    context, items, comments = _context(
        request,
        app,
        step,
        can_edit,
        form=form,
        products=products,
        current=current,
        tabs=_product_tabs(app, step, products, current),
        new_url=reverse("onboarding:step", kwargs={"pk": app.pk, "step": step}) + "?p=new",
    )
    context["rows"] = _rows(form, _product_notes(items, comments, current))
    context["missing"] = [
        i
        for i in context["missing"]
        if current is None or not i["key"].startswith("product:") or i["key"].startswith(f"product:{current.pk}:")
    ]
    return render(request, "onboarding/step_products.html", context)


def _photos_step(request, app, step, can_edit):
    products = _products(app)
    current = _current_product(request, products)
    form = None
    if request.method == "POST" and current is not None:
        if request.POST.get("action") == "delete":
            photo = get_object_or_404(ApplicationPhoto, pk=request.POST.get("photo"), product=current)
            services.application_photo_delete(photo=photo, actor=request.user)
            messages.success(request, _("The photo is removed."))
            return HttpResponseRedirect(request.path + f"?p={current.pk}")
        form = forms.PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            saved, errors = services.application_photos_add(
                product=current, uploads=form.cleaned_data["photos"], actor=request.user
            )
            if saved:
                messages.success(request, _("%(n)s photo(s) saved.") % {"n": saved})
            for e in errors:
                messages.error(request, e)
            if errors or request.POST.get("go") == "stay":
                return HttpResponseRedirect(request.path + f"?p={current.pk}")
            return _after_save(request, app, step, product=current)
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    if form is None:
        form = forms.PhotoUploadForm()
    context, items, comments = _context(
        request,
        app,
        step,
        can_edit,
        form=form,
        products=products,
        current=current,
        tabs=_product_tabs(app, step, products, current),
    )
    context["rows"] = _rows(form, {"photos": _product_notes(items, comments, current).get("photos", [])})
    context["missing"] = [
        i for i in context["missing"] if current is None or i["key"].startswith(f"product:{current.pk}:")
    ]
    return render(request, "onboarding/step_photos.html", context)


def _documents_step(request, app, step, can_edit):
    products = _products(app)
    current = _current_product(request, products)
    form = None
    if request.method == "POST" and current is not None:
        form = forms.DocumentsForm(request.POST, request.FILES, instance=current)
        if form.is_valid():
            services.application_documents_save(
                product=current, form=form, actor=request.user, scan=getattr(form, "cleaned_scan", None)
            )
            nxt = next((p for p in products if p.pk > current.pk), None) if request.POST.get("go") != "stay" else None
            if nxt is not None:
                messages.success(request, _("Saved. Now the documents of %(name)s.") % {"name": nxt.name})
                return HttpResponseRedirect(request.path + f"?p={nxt.pk}")
            return _after_save(request, app, step, product=current)
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    if form is None and current is not None:
        form = forms.DocumentsForm(instance=current)
    context, items, comments = _context(
        request,
        app,
        step,
        can_edit,
        form=form,
        products=products,
        current=current,
        tabs=_product_tabs(app, step, products, current),
    )
    if form is not None:
        notes = _product_notes(items, comments, current)
        rows = _rows(form, notes)
        context["ocop_rows"] = [r for r in rows if r[0].name.startswith("ocop")]
        context["food_rows"] = [r for r in rows if not r[0].name.startswith("ocop")]
    context["missing"] = [
        i for i in context["missing"] if current is None or i["key"].startswith(f"product:{current.pk}:")
    ]
    return render(request, "onboarding/step_documents.html", context)


def _review_step(request, app, step, can_edit):
    items = checklist(app)
    products = _products(app)
    missing = [i for i in items if not i.ok]
    context, items, comments = _context(
        request,
        app,
        step,
        can_edit,
        items=items,
        products=products,
        all_missing=missing,
        submit_form=forms.SubmitForm(),
        can_submit=can_edit and not missing,
        needs_address_confirmation=addresses.needs_confirmation(app),
    )

    context["bank"] = bank_name(app.bank_bin) if app.bank_bin else ""

    context["password_link_waiting"] = str(app.pk) in request.session.get(SESSION_LINKS, {})
    context["missing"] = _with_anchors(missing)
    return render(request, "onboarding/step_review.html", context)


__all__ = [
    "detail",
    "home",
    "login_view",
    "logout_view",
    "new_application",
    "register_view",
    "set_password_view",
    "step_view",
    "submit_view",
    "withdraw_view",
]
