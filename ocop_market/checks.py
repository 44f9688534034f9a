from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_MISSING = "SECRET_KEY must be set when DEBUG is off."


def require_secret_key():
    """Stop a server that would start without a signing key (Django's own error comes later)."""
    if not settings.DEBUG and not settings._wrapped.SECRET_KEY:
        raise ImproperlyConfigured(SECRET_KEY_MISSING)


@register(deploy=True)
def secret_key_check(app_configs, **kwargs):
    if not settings.DEBUG and not settings._wrapped.SECRET_KEY:
        return [Error(SECRET_KEY_MISSING, hint="Export a long random SECRET_KEY.", id="ocop_market.E001")]
    return []


SITE_URL_MISSING = "SITE_URL must be set to the site's absolute https:// address when DEBUG is off."


@register(deploy=True)
def site_url_check(app_configs, **kwargs):
    """Without it every feed link and e-mail would point at http://127.0.0.1:8000/."""

    site_url = getattr(settings, "SITE_URL", "")
    parts = urlsplit(site_url)
    if settings.DEBUG or (parts.scheme in ("http", "https") and parts.hostname not in (None, "127.0.0.1", "localhost")):
        return []
    return [
        Error(
            SITE_URL_MISSING,
            hint="Export SITE_URL, e.g. https://ocop.example.vn (links in feeds and e-mails start with it).",
            id="ocop_market.E002",
        )
    ]


@register(deploy=True)
def outbound_loopback_check(app_configs, **kwargs):
    """Pushes to loopback are for the test suite's own servers, never for a deployment."""
    if not settings.DEBUG and getattr(settings, "OUTBOUND_ALLOW_LOOPBACK", False):
        return [
            Error(
                "OUTBOUND_ALLOW_LOOPBACK is on with DEBUG off: partner pushes could reach this server itself.",
                hint="Remove OUTBOUND_ALLOW_LOOPBACK from the settings; only tests set it.",
                id="ocop_market.E003",
            )
        ]
    return []
