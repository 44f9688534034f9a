"""Household accounts: the phone number (E.164) is the username.

- ``register_household``: a household signs up with its phone and a password (Farmer group);
- ``create_household_account``: an officer creates the account for a household and hands
  over a one-time link to choose a password (``/dat-mat-khau/<token>/``);
- ``login_username``: what a person types in the login form (``0912 345 678``) → username.

The one-time token is Django's ``default_token_generator`` (its hash covers the password
and the last login, so it stops working once used) behind the user's base64 id.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from core import roles
from core.phone import normalize_vn_phone


def phone_taken_error() -> ValidationError:
    return ValidationError(
        _(
            "An account with this phone number already exists. Log in with it, or ask your officer "
            "for a new link to set the password."
        ),
        code="phone_taken",
    )


def phone_is_taken(e164: str) -> bool:
    User = get_user_model()
    return User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": e164}).exists()


def _split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family name first, given name last ("Nguyễn Văn An" → "Nguyễn Văn", "An")."""
    parts = " ".join((full_name or "").split()).split(" ")
    if len(parts) == 1:
        return "", parts[0][:150]
    return " ".join(parts[:-1])[:150], parts[-1][:150]


def _new_user(*, full_name: str, phone: str, password: str | None):
    e164 = normalize_vn_phone(phone)
    User = get_user_model()
    if phone_is_taken(e164):
        raise phone_taken_error()
    last_name, first_name = _split_name(full_name)
    try:
        with transaction.atomic():
            user = User(**{User.USERNAME_FIELD: e164}, first_name=first_name, last_name=last_name)
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            group, _created = Group.objects.get_or_create(name=roles.FARMER)
            user.groups.add(group)
    except IntegrityError as exc:  # two requests at once with the same phone
        raise phone_taken_error() from exc
    return user


def register_household(*, full_name: str, phone: str, password: str):
    """A household's own account. Raises ValidationError (invalid or taken phone)."""
    return _new_user(full_name=full_name, phone=phone, password=password)


def set_password_token(user) -> str:
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{default_token_generator.make_token(user)}"


def set_password_url(user) -> str:
    """The path of the one-time link (prefix the site's address to send it)."""
    return reverse("onboarding:set-password", kwargs={"token": set_password_token(user)})


def user_from_token(token: str):
    """The user of a valid, unused token, or None."""
    uidb64, sep, token_part = (token or "").partition(".")
    if not sep:
        return None
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = get_user_model().objects.get(pk=pk)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    if not user.is_active or not default_token_generator.check_token(user, token_part):
        return None
    return user


def create_household_account(*, full_name: str, phone: str, created_by):
    """An officer creates a household's account; returns ``(user, set_password_url)``.

    The account has no usable password until the household opens the link. Raises
    ValidationError when the phone is invalid or already has an account.
    """
    user = _new_user(full_name=full_name, phone=phone, password=None)
    return user, set_password_url(user)


def login_username(typed: str) -> str:
    """``"0912 345 678"`` → ``"+84912345678"``; anything that is not a phone is returned as typed."""
    typed = (typed or "").strip()
    try:
        return normalize_vn_phone(typed)
    except ValidationError:
        return typed
