"""Where uploaded files live: S3-compatible storage when a bucket is named, local folders otherwise.

``storage_settings(os.environ, debug=DEBUG)`` returns the ``STORAGES`` setting and the extra
settings that go with it; ``settings/base.py`` calls it once. Kept apart from the settings
module so that the tests can build the S3 configuration from a dictionary.

Without ``AWS_STORAGE_BUCKET_NAME``: public media (Wagtail images, their renditions, stall
logos) in ``MEDIA_ROOT``, private files (certificate scans, onboarding documents, spreadsheets
being imported) in ``PRIVATE_MEDIA_ROOT``, exactly as before.

With it, both go to S3 (django-storages), under separate prefixes, or separate buckets:

- ``default``: public media under ``AWS_LOCATION`` (``media/``), at stable unsigned URLs
  (``AWS_S3_CUSTOM_DOMAIN``, else the endpoint's): rendition URLs are cached in pages, a
  signed URL would expire there. The objects are readable by anyone through the bucket
  policy, or through ``AWS_DEFAULT_ACL=public-read`` on providers that use object ACLs.
- ``private``: under ``AWS_PRIVATE_LOCATION`` (``private/``) of the same bucket, or in
  ``AWS_PRIVATE_STORAGE_BUCKET_NAME``; every object written with a private ACL, never on
  the custom domain, any URL signed and short-lived. The site streams these files through
  a view that checks who asks (``onboarding/document_views.py``); ``catalog.models.private_storage``
  picks this entry when it exists.

Static files stay with whitenoise either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"

# Public media: a day in browsers and proxies. Names are never reused while a file exists
# (file_overwrite off), so a longer time would only matter after a delete and a re-upload.
PUBLIC_CACHE_CONTROL = "max-age=86400, public"
# Any URL of a private file (the site itself streams them, it does not hand URLs out).
PRIVATE_URL_SECONDS = 300


def _get(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return (environ.get(name) or default).strip()


def _prefix(location: str) -> str:
    return location.strip("/")


def _nested(a: str, b: str) -> bool:
    """Whether one prefix contains the other ("" contains everything)."""
    a, b = _prefix(a), _prefix(b)
    return not a or not b or a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _static_storage(debug: bool) -> dict[str, Any]:
    return {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if debug
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    }


def media_origins(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    custom_domain: str = "",
    addressing_style: str = "",
    url_protocol: str = "https:",
) -> list[str]:
    """The origins public media URLs point at, for the Content-Security-Policy's ``img-src``.

    Mirrors how django-storages builds an unsigned URL (botocore's addressing for a
    custom endpoint or AWS); tests/test_s3_media.py checks it against botocore.
    """
    if custom_domain:
        return [f"{url_protocol}//{custom_domain.split('/', 1)[0]}"]
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        host = f"{bucket}.{parts.netloc}" if addressing_style == "virtual" else parts.netloc
        return [f"{parts.scheme}://{host}"]
    if addressing_style == "path" or "." in bucket:
        return [f"https://s3.{region}.amazonaws.com" if region else "https://s3.amazonaws.com"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins


def storage_settings(environ: Mapping[str, str], *, debug: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(STORAGES, extra settings)`` for this environment.

    The extra settings: ``MEDIA_ORIGINS``, the origins other than the site's own that public
    media is served from (empty for local folders), allowed as image sources by the
    Content-Security-Policy (ocop_market/middleware.py).
    """
    bucket = _get(environ, "AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        storages = {"default": {"BACKEND": FILESYSTEM_BACKEND}, "staticfiles": _static_storage(debug)}
        return storages, {"MEDIA_ORIGINS": []}

    endpoint_url = _get(environ, "AWS_S3_ENDPOINT_URL")
    region = _get(environ, "AWS_S3_REGION_NAME")
    addressing_style = _get(environ, "AWS_S3_ADDRESSING_STYLE")
    connection: dict[str, Any] = {
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "addressing_style": addressing_style or None,
        # Signature version 4 for the signed URLs of private files (botocore may otherwise pick
        # the deprecated version 2 for a custom endpoint; newer AWS regions accept only 4).
        "signature_version": _get(environ, "AWS_S3_SIGNATURE_VERSION", "s3v4"),
        # Never replace an existing object: two uploads named "photo.jpg" get two names,
        # as they do in a local folder.
        "file_overwrite": False,
    }
    # Without keys in the environment, boto3's own chain applies (an instance role, a profile).
    access_key = _get(environ, "AWS_ACCESS_KEY_ID")
    secret_key = _get(environ, "AWS_SECRET_ACCESS_KEY")
    if access_key or secret_key:
        connection |= {"access_key": access_key, "secret_key": secret_key}

    location = _prefix(_get(environ, "AWS_LOCATION", "media"))
    custom_domain = _get(environ, "AWS_S3_CUSTOM_DOMAIN")
    url_protocol = _get(environ, "AWS_S3_URL_PROTOCOL", "https:")
    public = {
        **connection,
        "bucket_name": bucket,
        "location": location,
        "custom_domain": custom_domain or None,
        "url_protocol": url_protocol,
        "querystring_auth": False,
        "default_acl": _get(environ, "AWS_DEFAULT_ACL") or None,
        "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
    }

    private_bucket = _get(environ, "AWS_PRIVATE_STORAGE_BUCKET_NAME", bucket)
    private_location = _prefix(_get(environ, "AWS_PRIVATE_LOCATION", "private"))
    if private_bucket == bucket and _nested(location, private_location):
        # A bucket policy that makes public media readable would then cover private files too.
        raise ImproperlyConfigured(
            f"AWS_PRIVATE_LOCATION ({private_location!r}) and AWS_LOCATION ({location!r}) overlap in bucket "
            f"{bucket!r}: give them separate prefixes, or set AWS_PRIVATE_STORAGE_BUCKET_NAME."
        )
    private_acl = _get(environ, "AWS_PRIVATE_DEFAULT_ACL", "private")
    private = {
        **connection,
        "bucket_name": private_bucket,
        "location": private_location,
        "custom_domain": None,
        "querystring_auth": True,
        "querystring_expire": PRIVATE_URL_SECONDS,
        # "none": buckets with ACLs disabled (AWS "bucket owner enforced") refuse other ACLs
        # than bucket-owner-full-control; their objects are private unless a policy says otherwise.
        "default_acl": None if private_acl.lower() == "none" else private_acl,
    }

    storages = {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": public},
        "private": {"BACKEND": S3_BACKEND, "OPTIONS": private},
        "staticfiles": _static_storage(debug),
    }
    origins = media_origins(
        bucket=bucket,
        endpoint_url=endpoint_url,
        region=region,
        custom_domain=custom_domain,
        addressing_style=addressing_style,
        url_protocol=url_protocol,
    )
    return storages, {"MEDIA_ORIGINS": origins}
