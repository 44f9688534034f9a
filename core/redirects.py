"""Where a form or link asks to go next, when that stays on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "") -> str:
    """The ``next`` URL the request carries (the form's field, else the query string's), or
    ``default`` when there is none or it leads to another site (an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default
