"""Uploads are checked by content, size and pixel count, and stored upright without EXIF."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from onboarding import uploads

pytestmark = pytest.mark.django_db


def jpeg(size=(64, 48), colour="red", exif=None, name="anh.jpg"):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (10.0, 2.0, 3.0), 3: "E", 4: (105.0, 46.0, 12.0)}
    exif[0x8825] = gps  # GPSInfo
    if orientation:
        exif[0x0112] = orientation
    return exif


def test_renamed_text_file_is_refused_with_a_clear_message():
    upload = SimpleUploadedFile("anh.jpg", b"Day la mot tep van ban, khong phai anh.\n" * 10)
    with pytest.raises(ValidationError) as exc:
        uploads.clean_image(upload)
    assert exc.value.code == "not_image"
    assert "photo" in exc.value.messages[0] or "ảnh" in exc.value.messages[0]


def test_file_over_the_limit_is_refused_before_reading(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    upload = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        uploads.clean_image(upload)
    assert exc.value.code == "too_large"
    assert "20" in exc.value.messages[0] and "10" in exc.value.messages[0]


def test_decompression_bomb_is_refused():
    # 8000 x 8000 one-bit pixels: a few kB on disk, 64 megapixels once opened (limit 40).
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ValidationError) as exc:
        uploads.clean_image(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert exc.value.code == "too_many_pixels"


def test_far_larger_bomb_is_refused_too(settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("1", (4000, 4000)).save(buffer, "PNG")  # 16x the limit: Pillow's own error
    with pytest.raises(ValidationError) as exc:
        uploads.clean_image(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert exc.value.code == "too_many_pixels"


def test_gps_exif_is_stripped():
    upload = jpeg(exif=gps_exif())
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)  # the test photo carries GPS
    upload.seek(0)
    cleaned = uploads.clean_image(upload)
    out = Image.open(io.BytesIO(cleaned.data))
    assert not out.getexif()
    assert b"Exif" not in cleaned.data[:2000]
    assert "exif" not in out.info


def test_exif_rotated_photo_comes_out_upright():
    # Stored 80 wide x 40 high, with orientation 6: the camera was turned, shown 40 x 80.
    image = Image.new("RGB", (80, 40), "white")
    for x in range(40):  # a red left half
        for y in range(40):
            image.putpixel((x, y), (255, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=gps_exif(orientation=6))
    cleaned = uploads.clean_image(SimpleUploadedFile("xoay.jpg", buffer.getvalue()))
    out = Image.open(io.BytesIO(cleaned.data))
    assert out.size == (40, 80)
    top = out.getpixel((20, 10))
    assert top[0] > 200 and top[1] < 80  # the red half is now on top
    assert not out.getexif().get(0x0112)


def test_product_photo_becomes_a_wagtail_image_with_renditions():
    from wagtail.images import get_image_model

    image = uploads.save_product_photo(jpeg(size=(300, 200), exif=gps_exif()), title="Mật ong")
    assert isinstance(image, get_image_model())
    assert image.collection.name == uploads.PHOTO_COLLECTION
    assert (image.width, image.height) == (300, 200)
    assert image.renditions.count() == len(uploads.PHOTO_RENDITIONS)
    with image.open_file() as f:
        assert not Image.open(f).getexif()


def test_pdf_certificate_is_kept_and_private(settings):
    from tests.factories.onboarding import ApplicationProductFactory

    pdf = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"xref\n0 3\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n9\n%%EOF\n"
    )
    content = uploads.clean_certificate_scan(SimpleUploadedFile("Quyết định OCOP.pdf", pdf))
    assert content.name == "quyet-inh-ocop.pdf" or content.name.endswith(".pdf")
    assert content.read() == pdf

    product = ApplicationProductFactory()
    uploads.store_certificate_scan(product, SimpleUploadedFile("cn.pdf", pdf))
    product.refresh_from_db()
    path = product.ocop_scan.path
    # catalog's private storage, outside MEDIA_ROOT: no URL serves it.
    assert path.startswith(str(product.ocop_scan.storage.location))
    assert "private" in str(product.ocop_scan.storage.location)
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with open(path, "rb") as f:
        assert f.read() == pdf


def test_truncated_pdf_is_refused():
    with pytest.raises(ValidationError) as exc:
        uploads.clean_certificate_scan(SimpleUploadedFile("cn.pdf", b"%PDF-1.4\n1 0 obj\n<<"))
    assert exc.value.code == "bad_pdf"


def test_certificate_may_be_a_photo_and_loses_its_exif():
    content = uploads.clean_certificate_scan(jpeg(exif=gps_exif(), name="chung-nhan.jpg"))
    assert content.name.endswith(".jpg")
    assert not Image.open(io.BytesIO(content.read())).getexif()


def test_certificate_that_is_neither_pdf_nor_photo_is_refused():
    with pytest.raises(ValidationError) as exc:
        uploads.clean_certificate_scan(SimpleUploadedFile("cn.docx", b"PK\x03\x04 not a pdf"))
    assert exc.value.code == "not_scan"
