"""The Content-Security-Policy of every storefront page (set by
``ocop_market.middleware.ContentSecurityPolicyMiddleware``; a view that needs more, like the
card payment step, builds its own from it)."""

import functools

from django.conf import settings

# Only the site's own files: no inline script or style, no third-party origin. Images may
# be data: URIs (QR codes, the placeholder), or come from where media is stored (settings.
# MEDIA_ORIGINS: an S3 endpoint or a custom domain, see ocop_market/storage_settings.py).
# The Wagtail admin (its own inline scripts) keeps Wagtail's defaults.
_POLICY_TEMPLATE = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:{media}",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def content_security_policy() -> str:
    return _policy(tuple(getattr(settings, "MEDIA_ORIGINS", ())))


@functools.cache
def _policy(media_origins: tuple[str, ...]) -> str:
    return _POLICY_TEMPLATE.format(media="".join(f" {origin}" for origin in media_origins))


# The policy with media on the site itself (local folders).
CONTENT_SECURITY_POLICY = _policy(())
