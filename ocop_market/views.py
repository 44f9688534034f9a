from django.conf import settings
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.redirects import safe_next


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


@csrf_exempt  # changes nothing: it only sends the reader on
@require_http_methods(["GET", "POST"])
def former_language_switch(request):
    """Where the language buttons of pages rendered before the switcher became links post
    (a tab left open, a copy in a cache): on to the page they name, in its language.

    The URL carries the language (``/km/…``, ``/en/…``), so nothing is stored; a ``next``
    that leaves the site goes to the home page instead.
    """
    return HttpResponseRedirect(safe_next(request, "/"))
