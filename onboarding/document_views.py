"""Private files of an application (product photos, the OCOP certificate scan), to the people who may see them.

The file is looked up through ``Application.objects.visible_to(user)`` (the household, the
officers of its commune, editors; anyone else gets a 404) and streamed from the private
storage, local folder or S3 alike. Streaming rather than redirecting to a presigned S3 URL:
the check happens on every read, no URL that works for whoever holds it ever leaves the
site (browser history, a forwarded message), and the answer is the same with or without S3.
Scans are small (UPLOAD_MAX_BYTES) and opened rarely, by reviewers.
"""

from __future__ import annotations

import posixpath

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .household_views import member_required
from .models import Application, ApplicationPhoto, ApplicationProduct
from .uploads import photo_thumbnail


@require_GET
@member_required
def ocop_scan(request, pk):
    """The certificate scan of application product ``pk``: photos shown, PDFs downloaded."""
    product = get_object_or_404(
        ApplicationProduct.objects.filter(application__in=Application.objects.visible_to(request.user)).exclude(
            ocop_scan=""
        ),
        pk=pk,
    )
    storage, name = product.ocop_scan.storage, product.ocop_scan.name
    if not storage.exists(name):
        raise Http404
    filename = posixpath.basename(name)
    # A PDF is never shown inside the site's origin; a photo was re-encoded from its pixels on upload.
    inline = filename.lower().endswith((".jpg", ".jpeg", ".png", ".webp"))
    response = FileResponse(storage.open(name, "rb"), as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@member_required
def photo(request, pk):
    """A private product photo of an application: a small JPEG, or the whole photo with ``?size=full``."""

    item = get_object_or_404(
        ApplicationPhoto.objects.filter(product__application__in=Application.objects.visible_to(request.user)).exclude(
            file=""
        ),
        pk=pk,
    )
    if not item.file.storage.exists(item.file.name):
        raise Http404
    if request.GET.get("size") == "full":
        response = FileResponse(item.file.storage.open(item.file.name, "rb"), content_type="image/jpeg")
        if item.file.name.endswith(".png"):
            response["Content-Type"] = "image/png"
    else:
        response = HttpResponse(photo_thumbnail(item), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    return response
