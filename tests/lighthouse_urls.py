"""The benchmark's URLs plus the uploaded photos (tests/lighthouse_settings.py)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from tests.bench.urls import handler404, handler500  # noqa: F401
from tests.bench.urls import urlpatterns as bench_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *bench_urlpatterns,
]
