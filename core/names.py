"""People's names in Vietnamese order: family name first, as typed ("Nguyễn Thị Hoa").

Accounts keep the family and middle names in ``last_name`` and the given name in
``first_name`` (``onboarding.accounts``), so Django's ``get_full_name()`` ("first last")
would print "Hoa Nguyễn Thị" on every page, e-mail, document and in Wagtail's admin.
``install()`` makes the user model's ``get_full_name`` put the family name first, so every
caller, ours and Wagtail's, gets the name as it was typed.
"""

from django.contrib.auth import get_user_model


def full_name(user) -> str:
    """``last_name`` then ``first_name``: "Nguyễn Thị" + "Hoa" → "Nguyễn Thị Hoa"."""
    parts = (getattr(user, "last_name", "") or "", getattr(user, "first_name", "") or "")
    return " ".join(" ".join(p.split()) for p in parts if p.strip())


def install() -> None:

    def get_full_name(self):
        return full_name(self)

    get_user_model().get_full_name = get_full_name
