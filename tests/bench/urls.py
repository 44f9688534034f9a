"""The project's URLs plus a minimal view: the baseline every page is compared with."""

from django.http import HttpResponse
from django.urls import path

from ocop_market.urls import handler404, handler500  # noqa: F401
from ocop_market.urls import urlpatterns as project_urlpatterns


def minimal_view(request):
    """A plain Django view without database or template: the server's ceiling."""
    return HttpResponse("ok")


# The same view behind Django's default middleware stack (tests/bench/wsgi.py).
urlpatterns = [
    path("bench/minimal/", minimal_view),
    path("bench/default-stack/minimal/", minimal_view),
    *project_urlpatterns,
]
