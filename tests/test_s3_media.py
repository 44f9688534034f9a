"""Media on S3-compatible storage when a bucket is configured, local folders otherwise.

Against a real S3-compatible server: moto's, on loopback, in a thread of this process. The
storages are switched with the ``settings`` fixture (Django's ``setting_changed`` resets the
cached storages, catalog.models resets the private one). Moto enforces object ACLs for
anonymous requests, so "not readable by its plain URL" is asserted on an actual GET.
"""

import logging
import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.storage import storages as django_storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from catalog.models import private_storage
from core import roles
from ocop_market.storage_settings import media_origins, storage_settings
from tests.factories.catalog import OcopCertificateFactory
from tests.factories.onboarding import ApplicationFactory, ApplicationProductFactory
from tests.factories.producers import OfficerFactory, StallFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key"}
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def use_s3(settings, s3_endpoint, s3_client):
    """Switch the project to S3 as the environment would: returns a function of extra variables.

    Each call gets a fresh bucket. Public objects are written ``public-read`` here: moto grants
    anonymous reads by ACL (on AWS with ACLs disabled, a bucket policy on ``media/*`` does).
    """

    def switch(**variables):
        bucket = f"ocop-{uuid.uuid4().hex[:12]}"
        s3_client.create_bucket(Bucket=bucket)
        environ = {
            **CREDENTIALS,
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": s3_endpoint,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_DEFAULT_ACL": "public-read",
            **variables,
        }
        private_bucket = environ.get("AWS_PRIVATE_STORAGE_BUCKET_NAME")
        if private_bucket:
            s3_client.create_bucket(Bucket=private_bucket)
        storages, extra = storage_settings(environ)
        # The test settings' static files (the suite never runs collectstatic).
        settings.STORAGES = storages | {"staticfiles": settings.STORAGES["staticfiles"]}
        settings.MEDIA_ORIGINS = extra["MEDIA_ORIGINS"]
        return bucket

    return switch


def keys(s3_client, bucket, prefix=""):
    return [obj["Key"] for obj in s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def upload_image_in_wagtail(client, user, title="Logo Hợp tác xã"):
    """An editor uploads an image through the Wagtail admin, as in the browser."""
    client.force_login(user)
    image_file = get_test_image_file(filename="logo-htx.png", size=(320, 320))
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": SimpleUploadedFile("logo-htx.png", image_file.file.getvalue(), content_type="image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content[:500]
    return get_image_model().objects.get(title=title)


def logo_src(response) -> str:
    tag = re.search(r'<img [^>]*class="logo"[^>]*>', response.content.decode())
    assert tag, "no stall logo on the page"
    return re.search(r'src="([^"]+)"', tag.group(0)).group(1).replace("&amp;", "&")


def img_src_policy(response) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["img-src"].split()


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- public media --------------------------------------------------------------------------


def test_a_logo_uploaded_in_wagtail_is_an_object_in_the_bucket_and_the_stall_page_shows_it_from_s3(
    client, admin_user, use_s3, s3_client, s3_endpoint
):
    bucket = use_s3()
    image = upload_image_in_wagtail(client, admin_user)
    stall = StallFactory(logo=image)

    assert f"media/{image.file.name}" in keys(s3_client, bucket, "media/original_images/")
    response = client.get(stall.get_absolute_url())
    assert response.status_code == 200
    src = logo_src(response)
    # The rendition, not the original, at an unsigned URL of the endpoint (pages are cached).
    assert src.startswith(f"{s3_endpoint}/{bucket}/media/images/")
    assert "Signature" not in src and "?" not in src
    assert src.removeprefix(f"{s3_endpoint}/{bucket}/") in keys(s3_client, bucket, "media/images/")
    # What the buyer's phone does: fetch it without credentials, and the page's policy allows it.
    fetched = requests.get(src, timeout=10)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"].startswith("image/")
    assert fetched.headers["Cache-Control"] == "max-age=86400, public"
    assert origin(src) in img_src_policy(response)
    # Nothing was written to the local folder.
    assert not list(Path(django_settings.MEDIA_ROOT).rglob("*.*"))


def test_with_a_custom_domain_renditions_point_at_it(client, admin_user, use_s3, s3_client):
    bucket = use_s3(AWS_S3_CUSTOM_DOMAIN="anh.ocop.example")
    stall = StallFactory(logo=upload_image_in_wagtail(client, admin_user))

    response = client.get(stall.get_absolute_url())
    src = logo_src(response)
    assert src.startswith("https://anh.ocop.example/media/images/")
    assert src.removeprefix("https://anh.ocop.example/") in keys(s3_client, bucket, "media/images/")
    assert "https://anh.ocop.example" in img_src_policy(response)


def test_two_uploads_with_the_same_file_name_do_not_overwrite_each_other(use_s3, s3_client):
    bucket = use_s3()
    first = default_storage.save("original_images/anh.png", ContentFile(b"first"))
    second = default_storage.save("original_images/anh.png", ContentFile(b"second"))
    assert first != second
    assert s3_client.get_object(Bucket=bucket, Key=f"media/{first}")["Body"].read() == b"first"


# --- private files -------------------------------------------------------------------------


@pytest.fixture
def household():
    return UserFactory(groups=[roles.FARMER])


def upload_scan(client, household, product):
    client.force_login(household)
    response = client.post(
        reverse("onboarding:step", kwargs={"pk": product.application_id, "step": "documents"}),
        {
            "p": product.pk,
            "ocop_claimed": "on",
            "ocop_stars": "4",
            "ocop_decision_number": "12/QĐ-UBND",
            "ocop_decision_date": "2024-05-02",
            "ocop_level": "province",
            "ocop_scan_upload": SimpleUploadedFile("quyet-dinh.pdf", PDF),
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    return product.ocop_scan.name


def test_a_certificate_scan_is_private_on_s3_and_served_only_to_who_may_see_the_application(
    client, use_s3, s3_client, s3_endpoint, household
):
    bucket = use_s3()
    application = ApplicationFactory(household=household, created_by=household)
    product = ApplicationProductFactory(application=application)

    name = upload_scan(client, household, product)
    key = f"private/{name}"
    assert name.startswith("onboarding/certificates/") and name.endswith(".pdf")
    assert keys(s3_client, bucket, "private/") == [key]
    assert not keys(s3_client, bucket, "media/")
    # Not readable by its plain URL (moto enforces the object's private ACL) ...
    assert requests.get(f"{s3_endpoint}/{bucket}/{key}", timeout=10).status_code == 403
    grants = s3_client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    # ... any URL the storage gives out is signed and short-lived, never on a public domain.
    signed = private_storage().url(name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed
    assert requests.get(signed, timeout=10).content == PDF

    url = reverse("onboarding:ocop-scan", kwargs={"pk": product.pk})
    response = client.get(url)  # the household itself
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"

    officer = OfficerFactory(communes=[application.commune]).user
    client.force_login(officer)
    assert client.get(url).status_code == 200

    client.force_login(UserFactory(groups=[roles.FARMER]))  # another household
    assert client.get(url).status_code == 404
    client.force_login(OfficerFactory(communes=[]).user)  # an officer of another commune
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("onboarding:login") in response["Location"]


def test_private_files_may_go_to_their_own_bucket(client, use_s3, s3_client, household):
    private_bucket = f"ocop-private-{uuid.uuid4().hex[:8]}"
    bucket = use_s3(AWS_PRIVATE_STORAGE_BUCKET_NAME=private_bucket, AWS_PRIVATE_LOCATION="dossiers")
    product = ApplicationProductFactory(application=ApplicationFactory(household=household, created_by=household))

    name = upload_scan(client, household, product)
    assert keys(s3_client, private_bucket) == [f"dossiers/{name}"]
    assert not keys(s3_client, bucket)
    assert client.get(reverse("onboarding:ocop-scan", kwargs={"pk": product.pk})).status_code == 200


def test_a_published_certificate_and_spreadsheet_imports_stay_private_on_s3(use_s3, s3_client):
    from onboarding.bulk_views import STASH_DIR, _sweep_old_stashes

    bucket = use_s3()
    certificate = OcopCertificateFactory(scan=ContentFile(PDF, name="chung-nhan.pdf"))
    assert certificate.scan.name.startswith("certificates/")
    stash = private_storage().save(f"{STASH_DIR}/phieu.csv", ContentFile(b"ten,gia\n"))
    _sweep_old_stashes()  # lists and dates the stashes on S3: a fresh one stays
    assert sorted(keys(s3_client, bucket)) == sorted([f"private/{certificate.scan.name}", f"private/{stash}"])


def test_a_scan_missing_from_storage_is_a_404_not_an_error(client, use_s3, s3_client, household):
    bucket = use_s3()
    product = ApplicationProductFactory(application=ApplicationFactory(household=household, created_by=household))
    name = upload_scan(client, household, product)
    s3_client.delete_object(Bucket=bucket, Key=f"private/{name}")
    assert client.get(reverse("onboarding:ocop-scan", kwargs={"pk": product.pk})).status_code == 404


# --- without the variables -----------------------------------------------------------------


def test_without_a_bucket_media_and_private_files_stay_in_local_folders(client, admin_user, household):
    storages, extra = storage_settings({"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:1", **CREDENTIALS})
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert "private" not in storages
    assert extra["MEDIA_ORIGINS"] == []

    assert isinstance(django_storages["default"], FileSystemStorage)
    assert django_storages["default"].location == str(django_settings.MEDIA_ROOT)
    image = upload_image_in_wagtail(client, admin_user)
    assert (Path(django_settings.MEDIA_ROOT) / image.file.name).is_file()
    response = client.get(StallFactory(logo=image).get_absolute_url())
    assert logo_src(response).startswith("/media/images/")
    assert img_src_policy(response) == ["'self'", "data:"]

    product = ApplicationProductFactory(application=ApplicationFactory(household=household, created_by=household))
    name = upload_scan(client, household, product)
    assert private_storage().location == str(django_settings.PRIVATE_MEDIA_ROOT)
    assert isinstance(private_storage()._wrapped, FileSystemStorage)
    assert (Path(django_settings.PRIVATE_MEDIA_ROOT) / name).read_bytes() == PDF
    response = client.get(reverse("onboarding:ocop-scan", kwargs={"pk": product.pk}))
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("variables", "default_backend", "has_private"),
    [
        ({}, "django.core.files.storage.FileSystemStorage", False),
        ({"AWS_STORAGE_BUCKET_NAME": "ocop-media"}, "storages.backends.s3.S3Storage", True),
    ],
)
def test_the_settings_module_reads_the_bucket_from_the_environment(variables, default_backend, has_private):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environ |= {"DJANGO_SETTINGS_MODULE": "ocop_market.settings.base", "SECRET_KEY": "x", **variables}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.STORAGES['default']['BACKEND'], 'private' in s.STORAGES, s.STORAGES['staticfiles']['BACKEND'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    ).stdout.split()
    assert out == [default_backend, str(has_private), "whitenoise.storage.CompressedManifestStaticFilesStorage"]


# --- configuration -------------------------------------------------------------------------


def test_private_files_never_share_a_prefix_with_public_media():
    base = {"AWS_STORAGE_BUCKET_NAME": "ocop"}
    for variables in (
        {"AWS_LOCATION": "/"},
        {"AWS_PRIVATE_LOCATION": "media/"},
        {"AWS_PRIVATE_LOCATION": "media/private"},
        {"AWS_LOCATION": "private/public"},
    ):
        with pytest.raises(ImproperlyConfigured):
            storage_settings(base | variables)
    storages, _extra = storage_settings(base | {"AWS_LOCATION": "/", "AWS_PRIVATE_STORAGE_BUCKET_NAME": "ocop-kin"})
    assert storages["default"]["OPTIONS"]["location"] == ""
    assert storages["private"]["OPTIONS"]["bucket_name"] == "ocop-kin"
    assert storages["private"]["OPTIONS"]["default_acl"] == "private"
    no_acl, _extra = storage_settings(base | {"AWS_PRIVATE_DEFAULT_ACL": "none"})
    assert no_acl["private"]["OPTIONS"]["default_acl"] is None


@pytest.mark.parametrize(
    "variables",
    [
        {"AWS_S3_REGION_NAME": "ap-southeast-1"},
        {"AWS_S3_REGION_NAME": "ap-southeast-1", "AWS_S3_ADDRESSING_STYLE": "path"},
        {"AWS_S3_REGION_NAME": "us-east-1"},
        {"AWS_S3_ENDPOINT_URL": "https://sgp1.digitaloceanspaces.com", "AWS_S3_REGION_NAME": "sgp1"},
        {"AWS_S3_ENDPOINT_URL": "https://hcm.s3.example.vn", "AWS_S3_ADDRESSING_STYLE": "virtual"},
        {"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000", "AWS_S3_REGION_NAME": "us-east-1"},
        {"AWS_S3_CUSTOM_DOMAIN": "cdn.ocop.example/anh", "AWS_S3_REGION_NAME": "ap-southeast-1"},
    ],
)
def test_the_policy_allows_the_origin_django_storages_builds_urls_on(variables):
    from storages.backends.s3 import S3Storage

    environ = {"AWS_STORAGE_BUCKET_NAME": "ocop-media", **CREDENTIALS, **variables}
    storages, extra = storage_settings(environ)
    url = S3Storage(**storages["default"]["OPTIONS"]).url("images/logo.fill-160x160.png")  # no request is sent
    assert origin(url) in extra["MEDIA_ORIGINS"], (url, extra["MEDIA_ORIGINS"])
    assert media_origins(bucket="ocop-media") == ["https://ocop-media.s3.amazonaws.com"]


def test_production_settings_with_s3_pass_the_deployment_checks():
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"}
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in dropped}
    environ |= {
        "SECRET_KEY": "x" * 20 + "a-long-random-production-key-0123456789",
        "ALLOWED_HOSTS": "ocop.example.vn",
        "SITE_URL": "https://ocop.example.vn",
        "AWS_STORAGE_BUCKET_NAME": "ocop-media",
        "AWS_S3_REGION_NAME": "ap-southeast-1",
        "AWS_S3_CUSTOM_DOMAIN": "anh.ocop.example.vn",
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": "ocop-private",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
