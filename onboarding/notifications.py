"""Who hears about what: in-app ``Notification`` rows plus an e-mail or SMS after commit.

The rows are written in the caller's transaction (they vanish with it on rollback); the
e-mail/SMS goes through ``core.notify.notify_on_commit``, which sends only after the
commit and logs, never raises, a failing sender: a notification cannot break a transition.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.notify import Message, fit_sms, notify_on_commit
from core.phone import display_vn_phone, normalize_vn_phone

from .models import Application, Notification
from .receipt import household_language

logger = logging.getLogger(__name__)

S = Application.State


def _titles(app, to_state, for_household: bool) -> str:
    name = app.stall_name or app.legal_name or _("application #%(pk)s") % {"pk": app.pk}
    if for_household:
        return {
            S.SUBMITTED: _("Your application “%(name)s” was sent for review"),
            S.IN_REVIEW: _("An officer is reviewing your application “%(name)s”"),
            S.CHANGES_REQUESTED: _("Please make changes to your application “%(name)s”"),
            S.PUBLISHED: _("Your application “%(name)s” is approved: your products are on sale"),
            S.REJECTED: _("Your application “%(name)s” was not accepted"),
            S.WITHDRAWN: _("Your application “%(name)s” was withdrawn"),
        }[to_state] % {"name": name}
    return {
        S.SUBMITTED: _("Application “%(name)s” is waiting for review"),
        S.IN_REVIEW: _("Application “%(name)s” is in review"),
        S.CHANGES_REQUESTED: _("Changes were requested on application “%(name)s”"),
        S.PUBLISHED: _("Application “%(name)s” was approved and published"),
        S.REJECTED: _("Application “%(name)s” was rejected"),
        S.WITHDRAWN: _("Application “%(name)s” was withdrawn"),
    }[to_state] % {"name": name}


def _short_for_household(app, to_state, officer_phone: str) -> str:
    """The SMS of a household (at most 160 characters), in the household's language."""

    with translation.override(household_language(app)):
        name = app.stall_name or app.legal_name or _("application #%(pk)s") % {"pk": app.pk}
        template = {
            S.SUBMITTED: _("OCOP Market: your application “%(name)s” was sent for review."),
            S.IN_REVIEW: _("OCOP Market: an officer is checking your application “%(name)s”."),
            S.CHANGES_REQUESTED: _("OCOP Market: your application “%(name)s” needs changes."),
            S.PUBLISHED: _("OCOP Market: “%(name)s” is approved, your products are on sale."),
            S.REJECTED: _("OCOP Market: your application “%(name)s” was not accepted."),
            S.WITHDRAWN: _("OCOP Market: your application “%(name)s” was withdrawn."),
        }[to_state]
        if officer_phone:
            template += " " + _("Your officer: %(phone)s")
        return fit_sms(template, {"name": name, "phone": officer_phone})


def _short_for_officer(app, to_state, *, household: str = "", household_phone: str = "") -> str:
    """An officer's SMS (at most 160 characters); for a household without a smartphone, with
    its name and phone so that the officer can call it."""
    name = app.stall_name or app.legal_name or _("application #%(pk)s") % {"pk": app.pk}
    values = {"name": name, "pk": app.pk, "state": S(to_state).label}
    if household:
        values.update(household=household, phone=household_phone or "—")
        template = _("OCOP Market: tell %(household)s (%(phone)s, no smartphone): #%(pk)s “%(name)s” %(state)s.")
    else:
        template = _("OCOP Market: application #%(pk)s “%(name)s”: %(state)s.")
    return fit_sms(template, values)


def _officer_phone(app) -> str:
    officer = app.officer if app.officer_id else None
    raw = getattr(getattr(officer, "officer_profile", None), "phone", "") if officer is not None else ""
    try:
        return display_vn_phone(normalize_vn_phone(raw)) if raw else ""
    except ValidationError:
        return raw


def _phone_of(user, app, for_household: bool) -> str:
    raw = app.phone if for_household else getattr(getattr(user, "officer_profile", None), "phone", "")
    try:
        return normalize_vn_phone(raw) if raw else ""
    except ValidationError:
        return ""


def _officers_of_commune(app):
    if not app.commune_id:
        return []
    return list(get_user_model().objects.filter(officer_profile__communes=app.commune_id, is_active=True))


def recipients(app, actor, to_state) -> list[tuple[object, bool]]:
    """``(user, is_household)`` pairs to notify of ``app`` reaching ``to_state``, never the actor."""
    found: dict[int, tuple[object, bool]] = {app.household_id: (app.household, True)}
    if app.officer_id:
        found.setdefault(app.officer_id, (app.officer, False))
    elif to_state == S.SUBMITTED:
        # Nobody assigned yet: every officer of the commune hears of the new application.
        for officer in _officers_of_commune(app):
            found.setdefault(officer.pk, (officer, False))
    found.pop(actor.pk, None)
    return list(found.values())


def officers_relaying(app, actor) -> list:
    """For a household without a smartphone: the officers who hear what it is told, to call it.

    Its assigned officer (the application's, else the producer's), else every officer of its
    commune; never the actor, who already knows, and nobody when the household itself acted.
    """
    if not app.household_needs[1] or actor.pk == app.household_id:
        return []
    officer_id = app.officer_id or (app.producer.officer_id if app.producer_id else None)
    if officer_id:
        officers = list(get_user_model().objects.filter(pk=officer_id, is_active=True))
    else:
        officers = _officers_of_commune(app)
    return [o for o in officers if o.pk != actor.pk and o.pk != app.household_id]


def notify_transition(app, actor, from_state, to_state, *, comment: str = "") -> list[Notification]:
    """In-app rows now, messages after commit. Called by the services inside their transaction."""
    if to_state not in (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.PUBLISHED, S.REJECTED, S.WITHDRAWN):
        return []
    created = []
    officer_phone = _officer_phone(app)
    language = household_language(app)
    # Stored in the reader's language: the household's own (a Khmer household reads Khmer, and its
    # link opens the Khmer screens), the site's default for officers. The officer's comment stays
    # as it was typed.
    for user, for_household in recipients(app, actor, to_state):
        with translation.override(language if for_household else settings.LANGUAGE_CODE):
            url = reverse("onboarding:detail", kwargs={"pk": app.pk})
            title = _titles(app, to_state, for_household)
            body = comment
            if to_state == S.SUBMITTED and actor.pk != app.household_id and for_household:
                body = _("An officer submitted it for you, with your agreement.")
            if for_household:
                short = _short_for_household(app, to_state, officer_phone)
            else:
                short = _short_for_officer(app, to_state)
            created.append(_send(user, app, title, body, url, short, _phone_of(user, app, for_household), to_state))
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse("onboarding:detail", kwargs={"pk": app.pk})
        relaying = officers_relaying(app, actor)
        if relaying:
            household = full_name_of(app)
            household_phone = _household_display_phone(app)
            title = _("For the household %(household)s (no smartphone): %(title)s") % {
                "household": household,
                "title": _titles(app, to_state, True),
            }
            body = "\n".join(
                p for p in (comment, _("Call the household: %(phone)s") % {"phone": household_phone or "—"}) if p
            )
            short = _short_for_officer(app, to_state, household=household, household_phone=household_phone)
            for officer in relaying:
                created.append(_send(officer, app, title, body, url, short, _phone_of(officer, app, False), to_state))
    return created


def _fit_title(title: str) -> str:
    # A 150-character stall name inside a sentence can pass the column's 200 characters.
    limit = Notification._meta.get_field("title").max_length
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _send(user, app, title, body, url, short, phone, to_state) -> Notification:
    title = _fit_title(title)
    note = Notification.objects.create(user=user, application=app, title=title, body=body, url=url, short=short)
    email = user.email or ""
    if email or phone:
        text = "\n\n".join(p for p in (title, body, settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url) if p)
        notify_on_commit(
            Message(subject=title, body=text, email=email, phone=phone, short=short, tags=("onboarding", str(to_state)))
        )
    return note


def full_name_of(app) -> str:
    return app.representative or " ".join(
        p for p in (app.household.last_name.strip(), app.household.first_name.strip()) if p
    )


def _household_display_phone(app) -> str:
    try:
        return display_vn_phone(normalize_vn_phone(app.phone)) if app.phone else ""
    except ValidationError:
        return app.phone


def notify_user(
    user, *, title: str, body: str = "", url: str = "", application=None, phone: str = "", short: str = ""
) -> Notification:
    """One in-app notification and its message (the certificate reminders use it); ``short``
    (the SMS text) defaults to the title, cut to 160 characters."""
    short = fit_sms(short or title)
    title = _fit_title(title)
    note = Notification.objects.create(user=user, application=application, title=title, body=body, url=url, short=short)
    if user.email or phone:
        text = "\n\n".join(p for p in (title, body) if p)
        notify_on_commit(
            Message(subject=title, body=text, email=user.email or "", phone=phone, short=short, tags=("onboarding",))
        )
    return note


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
