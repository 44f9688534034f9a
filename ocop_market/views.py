from django.conf import settings
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.i18n import set_language as django_set_language


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the error may be the database.
    response = HttpResponseServerError(loader.get_template("500.html").render({"request": request}))
    # The error page carries its style inline (no static file may be reachable): allowed here only.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
    return response


def account_locked(request, original_response=None, credentials=None):
    """django-axes' lockout answer: a page in the site's layout and language, status 429."""

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "account_locked.html", {"cooloff_minutes": minutes}, status=429)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def set_language(request):
    """Django's ``set_language`` (the cookie, the checks on ``next``), minus its URL translation.

    The language switcher already posts each language's own URL as ``next``. Django would
    translate it once more, resolving it in the language of this request (the cookie's, or
    Vietnamese), where "/km/dang-ky/" matches Wagtail's catch-all and comes back as
    "/km/km/dang-ky/".
    """

    response = django_set_language(request)
    next_url = request.POST.get("next", request.GET.get("next"))
    safe = next_url and url_has_allowed_host_and_scheme(
        url=next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe and isinstance(response, HttpResponseRedirect):
        response["Location"] = next_url
    return response
