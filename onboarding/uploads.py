"""Uploads from households' phones, checked by their content before anything is stored.

- Photos: Pillow must open them (JPEG, PNG, WebP, GIF, and HEIC from iPhones), they must
  be under ``settings.UPLOAD_MAX_BYTES`` and under a pixel limit (decompression bombs),
  and they are re-encoded upright (EXIF orientation applied) from the pixels alone, so no
  EXIF, XMP or GPS position survives. Product photos of an application are private files
  under a random name (``store_application_photo``) until publication gives the catalog
  its public copy.
- Certificate scans: a PDF (the ``%PDF-`` signature and a minimal structure check) or a
  photo (cleaned as above), stored with catalog's private storage, never under MEDIA_URL.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from catalog import renditions
from core.text import vi_slugify

from .models import ApplicationPhoto

try:  # HEIC/HEIF photos from iPhones; optional
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass

PHOTO_COLLECTION = "Ảnh hồ sơ"
# Wagtail's own limit when set, else 40 megapixels: a 12 MP phone photo passes, a bomb does not.
DEFAULT_MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF", "BMP", "TIFF"}
# The renditions the storefront and the wizard show, made once at upload time.
PHOTO_RENDITIONS = renditions.SPECS["product"]


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None) or DEFAULT_MAX_PIXELS)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}" if n >= 1024 * 1024 else f"{n / (1024 * 1024):.1f}"


def check_size(upload) -> None:
    """Refuse a file over the limit before reading it."""
    size = getattr(upload, "size", None)
    if size is None:
        return
    if size > max_bytes():
        raise ValidationError(
            _("This file is %(size)s MB; files may be at most %(limit)s MB. Take the photo again at a lower size.")
            % {"size": _megabytes(size), "limit": _megabytes(max_bytes())},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("This file is empty. Choose the file again."), code="empty")


def _read(upload) -> bytes:
    check_size(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():  # a file object that did not know its size
        raise ValidationError(
            _("This file is too large; files may be at most %(limit)s MB.") % {"limit": _megabytes(max_bytes())},
            code="too_large",
        )
    if not data:
        raise ValidationError(_("This file is empty. Choose the file again."), code="empty")
    return data


def _not_a_photo() -> ValidationError:
    return ValidationError(
        _("This file is not a photo we can read. Choose a photo (JPG, PNG, WebP or HEIC) taken with your phone."),
        code="not_image",
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("This picture is far too large (more than %(mp)s million pixels). Take the photo again at a lower size.")
        % {"mp": max_pixels() // 1_000_000},
        code="too_many_pixels",
    )


@dataclass
class CleanImage:
    data: bytes
    format: str  # "JPEG" or "PNG"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.format == "PNG" else "jpg"


def clean_image(upload) -> CleanImage:
    """The photo re-encoded from its pixels: upright, without any metadata.

    Raises ValidationError with a message for the household when the file is too large,
    not an image, or a decompression bomb.
    """
    data = _read(upload)
    limit = max_pixels()
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = limit
        try:
            try:
                image = Image.open(io.BytesIO(data))
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _too_many_pixels() from exc
            except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
                raise _not_a_photo() from exc
            if image.format not in ACCEPTED_FORMATS:
                raise _not_a_photo()
            width, height = image.size
            if width * height > limit or width < 1 or height < 1:
                raise _too_many_pixels()
            try:
                image.seek(0)
                image.load()
                upright = ImageOps.exif_transpose(image)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _too_many_pixels() from exc
            except (OSError, ValueError, SyntaxError, EOFError) as exc:
                raise _not_a_photo() from exc
        finally:
            Image.MAX_IMAGE_PIXELS = previous

    has_alpha = upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info)
    mode = "RGBA" if has_alpha else "RGB"
    pixels = upright.convert(mode)
    # A fresh image from the pixels alone: no EXIF, XMP, GPS, comments or text chunks.
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    buffer = io.BytesIO()
    if has_alpha:
        clean.save(buffer, "PNG", optimize=True)
        fmt = "PNG"
    else:
        clean.save(buffer, "JPEG", quality=88, optimize=True)
        fmt = "JPEG"
    return CleanImage(buffer.getvalue(), fmt, clean.width, clean.height)


def _safe_stem(name: str, fallback: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", (name or "").rsplit("/", 1)[-1])
    return vi_slugify(stem, max_length=50) or fallback


def photo_collection():
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=PHOTO_COLLECTION).first()
    return existing or root.add_child(name=PHOTO_COLLECTION)


def save_product_photo(upload, *, title: str, user=None):
    """Validate and clean ``upload``, store it as a Wagtail image with its renditions; return the image."""

    cleaned = clean_image(upload)
    Image_ = get_image_model()
    name = f"{_safe_stem(getattr(upload, 'name', ''), 'anh')}.{cleaned.extension}"
    image = Image_(
        title=(title or name)[:255],
        collection=photo_collection(),
        file=ImageFile(io.BytesIO(cleaned.data), name=name),
        file_size=len(cleaned.data),
        file_hash=hash_filelike(io.BytesIO(cleaned.data)),
        uploaded_by_user=user if getattr(user, "is_authenticated", False) else None,
    )
    image.save()
    image.get_renditions(*PHOTO_RENDITIONS)
    return image


def store_application_photo(upload, *, product, sort_order: int = 0):
    """Validate and clean ``upload``; keep it as a private photo of application ``product``.

    The file goes to the private storage under a random name (nothing of the household's
    file name), readable only through ``onboarding:photo``; the catalog gets its public copy
    when the application is published (catalog.services).
    """

    cleaned = clean_image(upload)
    photo = ApplicationPhoto(product=product, sort_order=sort_order)
    photo.file.save(f"{uuid.uuid4().hex}.{cleaned.extension}", ContentFile(cleaned.data), save=False)
    photo.save()
    return photo


def photo_thumbnail(photo, size: int = 240) -> bytes:
    """A small JPEG of a private application photo, for the wizard and the review."""
    with photo.file.open("rb") as file:
        image = Image.open(file)
        image.load()
    image = ImageOps.fit(image.convert("RGB"), (size, size))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, optimize=True)
    return buffer.getvalue()


def _looks_like_pdf(data: bytes) -> bool:
    """The ``%PDF-1.x`` header, an end-of-file marker near the end, objects and a cross-reference."""
    if not re.match(rb"%PDF-[12]\.\d", data[:16]):
        return False
    if b"%%EOF" not in data[-2048:]:
        return False
    if not re.search(rb"\d+\s+\d+\s+obj\b", data):
        return False
    return b"startxref" in data[-4096:]


def clean_certificate_scan(upload) -> ContentFile:
    """A PDF (checked) or a photo (cleaned), as a file ready for the private storage."""
    data = _read(upload)
    stem = _safe_stem(getattr(upload, "name", ""), "giay-chung-nhan")
    if data.startswith(b"%PDF-"):
        if not _looks_like_pdf(data):
            raise ValidationError(
                _("This PDF file is damaged or incomplete. Save it again, or send a photo of the certificate."),
                code="bad_pdf",
            )
        return ContentFile(data, name=f"{stem}.pdf")
    try:
        cleaned = clean_image(ContentFile(data, name=getattr(upload, "name", "")))
    except ValidationError as exc:
        if exc.code == "not_image":
            raise ValidationError(
                _("This file is neither a PDF nor a photo. Send the certificate as a PDF file or a photo."),
                code="not_scan",
            ) from exc
        raise
    return ContentFile(cleaned.data, name=f"{stem}.{cleaned.extension}")


def store_certificate_scan(app_product, upload) -> None:
    """Validate ``upload`` and save it as ``app_product.ocop_scan`` (private storage), replacing any previous scan."""
    content = clean_certificate_scan(upload)
    old = app_product.ocop_scan.name if app_product.ocop_scan else ""
    app_product.ocop_scan.save(content.name, content, save=True)
    if old and old != app_product.ocop_scan.name:
        app_product.ocop_scan.storage.delete(old)
