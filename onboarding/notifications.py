"""Who hears about what: in-app ``Notification`` rows plus an e-mail or SMS after commit.

The rows are written in the caller's transaction (they vanish with it on rollback); the
e-mail/SMS goes through ``ocop_market.notify.notify_on_commit``, which sends only after the
commit and logs, never raises, a failing sender: a notification cannot break a transition.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ocop_market.notify import Message, notify_on_commit
from ocop_market.phone import normalize_vn_phone

from .models import Application, Notification

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


def notify_transition(app, actor, from_state, to_state, *, comment: str = "") -> list[Notification]:
    """In-app rows now, messages after commit. Called by the services inside their transaction."""
    if to_state not in (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.PUBLISHED, S.REJECTED, S.WITHDRAWN):
        return []
    created = []
    # Stored in the site's default language: notifications are read by farmers first.
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse("onboarding:detail", kwargs={"pk": app.pk})
        for user, for_household in recipients(app, actor, to_state):
            title = _titles(app, to_state, for_household)
            body = comment
            if to_state == S.SUBMITTED and actor.pk != app.household_id and for_household:
                body = _("An officer submitted it for you, with your agreement.")
            created.append(Notification.objects.create(user=user, application=app, title=title, body=body, url=url))
            email, phone = user.email or "", _phone_of(user, app, for_household)
            if email or phone:
                text = "\n\n".join(p for p in (title, body, settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url) if p)
                notify_on_commit(
                    Message(subject=title, body=text, email=email, phone=phone, tags=("onboarding", str(to_state)))
                )
    return created


def notify_user(user, *, title: str, body: str = "", url: str = "", application=None, phone: str = "") -> Notification:
    """One in-app notification and its message (the certificate reminders use it)."""
    note = Notification.objects.create(user=user, application=application, title=title, body=body, url=url)
    if user.email or phone:
        text = "\n\n".join(p for p in (title, body) if p)
        notify_on_commit(Message(subject=title, body=text, email=user.email or "", phone=phone, tags=("onboarding",)))
    return note


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
