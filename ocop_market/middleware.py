"""One structured log line per request, and a request id that follows every log record."""

import contextvars
import functools
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

logger = logging.getLogger("ocop_market.request")

# A proxy's id is kept only if it is short and plain, so it cannot forge log fields.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_PLAIN_VALUE = re.compile(r"[^\s\"=\\]+")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request), for the formatter.

    Django logs 4xx/5xx responses after the middleware has returned, with the request
    attached to the record: the id is taken from it then. ``request_id_field`` is the
    ``request_id=… `` prefix of the console line, left empty for the request log's own
    lines, which already start with it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        record.request_id_field = "" if record.name == logger.name else f"request_id={record.request_id} "
        return True


def _value(value) -> str:
    text = str(value)
    if _PLAIN_VALUE.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def format_fields(fields: dict) -> str:
    return " ".join(f"{key}={_value(value)}" for key, value in fields.items())


def _user_id(request) -> str:
    """The signed-in user's id, without a query of its own: a page that never looked at
    the user (or the session) is not made to load them just for the log line."""
    from django.contrib.auth import SESSION_KEY  # not at import: LOGGING loads this module early

    user = getattr(request, "_cached_user", None)  # set by AuthenticationMiddleware's lazy user
    if user is not None:
        return str(user.pk) if user.is_authenticated else "-"
    session = getattr(request, "session", None)
    cached = getattr(session, "_session_cache", None)
    return str(cached.get(SESSION_KEY, "-")) if isinstance(cached, dict) else "-"


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            fields = {
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": _user_id(request),
            }
            logger.info(format_fields(fields), extra=fields)
            return response
        finally:
            request_id_var.reset(token)


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
CSP_EXEMPT_PREFIXES = ("/admin/", "/django-admin/")


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` on every response outside the admin, unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and not request.path.startswith(CSP_EXEMPT_PREFIXES):
            response["Content-Security-Policy"] = content_security_policy()
        return response


def content_security_policy() -> str:
    from django.conf import settings  # not at import: LOGGING loads this module early

    return _policy(tuple(getattr(settings, "MEDIA_ORIGINS", ())))


@functools.cache
def _policy(media_origins: tuple[str, ...]) -> str:
    return _POLICY_TEMPLATE.format(media="".join(f" {origin}" for origin in media_origins))


# The policy with media on the site itself (local folders).
CONTENT_SECURITY_POLICY = _policy(())
