"""Who may open the review screens: the officers' and editors' side, also used by reviews."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import is_editor, officer_profile


def is_staff_reviewer(user) -> bool:
    """Officers and editors use these screens (officers need not be Django staff)."""
    return user.is_authenticated and (
        is_editor(user) or officer_profile(user) is not None or user.groups.filter(name="Officer").exists()
    )


def reviewer_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_staff_reviewer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
