"""One structured log line per request, and a request id that follows every log record.

Every request pays for each middleware, cached page or not: each one here does the least
it can for a request that needs nothing from it (see tests/bench/run.py's middleware ratio).
"""

import contextvars
import itertools
import logging
import os
import random
import re
import time
from urllib.parse import unquote_to_bytes

from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.admin.utils import unquote
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import BadRequest
from django.db import models
from django.http import Http404
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.csp import content_security_policy

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

    user = getattr(request, "_cached_user", None)  # set by AuthenticationMiddleware's lazy user
    if user is not None:
        return str(user.pk) if user.is_authenticated else "-"
    session = getattr(request, "session", None)
    cached = getattr(session, "_session_cache", None)
    return str(cached.get(SESSION_KEY, "-")) if isinstance(cached, dict) else "-"


class _RequestIds:
    """32 hex digits unique to each request: a random prefix per process (made again in a
    forked child) and a counter, cheaper than a random UUID for each request."""

    def __init__(self):
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self):
        self.prefix = os.urandom(10).hex()
        self.counter = itertools.count(random.SystemRandom().randrange(1 << 40))

    def __call__(self) -> str:
        return f"{self.prefix}{next(self.counter) & 0xFFFFFFFFFFFF:012x}"


_new_request_id = _RequestIds()


class RequestLogMiddleware:
    """The request's id (the proxy's ``X-Request-ID`` when plain, else a random one), echoed
    in the response, and one line per request.

    Every error (4xx, 5xx) and every request slower than ``LOG_REQUESTS_SLOW_MS`` is logged;
    of the other ones, the share ``LOG_REQUESTS_SAMPLE`` (1 by default: all). The line is
    built only when it is written.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.sample = float(getattr(settings, "LOG_REQUESTS_SAMPLE", 1.0))
        self.slow = float(getattr(settings, "LOG_REQUESTS_SLOW_MS", 1000.0)) / 1000

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if given and _SANE_REQUEST_ID.fullmatch(given) else _new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request_id
            if logger.isEnabledFor(logging.INFO):
                duration = time.perf_counter() - start
                status = response.status_code
                if status >= 400 or duration >= self.slow or self.sample >= 1 or random.random() < self.sample:
                    fields = {
                        "request_id": request_id,
                        "method": request.method,
                        "path": request.path,
                        "status": status,
                        "duration_ms": round(duration * 1000, 1),
                        "user_id": _user_id(request),
                    }
                    logger.info(format_fields(fields), extra=fields)
            return response
        finally:
            request_id_var.reset(token)


# The language of a path's first segment ("en", "km", "products" ...): Django's regular
# expression and variant lookup cost 5 µs a request, a dictionary lookup nothing. Bounded,
# since anyone can send any first segment.
_LANGUAGE_OF_SEGMENT: dict[str, str | None] = {}
_LANGUAGE_OF_SEGMENT_LIMIT = 1024


def _language_from_path(path: str) -> str | None:
    segment = path[1:].split("/", 1)[0]
    try:
        return _LANGUAGE_OF_SEGMENT[segment]
    except KeyError:
        if len(_LANGUAGE_OF_SEGMENT) >= _LANGUAGE_OF_SEGMENT_LIMIT:
            _LANGUAGE_OF_SEGMENT.clear()
        # Django's answer depends on the first segment only (its pattern: ^/segment(/|$)).
        found = _LANGUAGE_OF_SEGMENT[segment] = translation.get_language_from_path(f"/{segment}/")
        return found


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, without the work its answer does not use here: with i18n_patterns that do not
    prefix the default language, a path without a language prefix is in LANGUAGE_CODE, so the
    cookie and ``Accept-Language`` need not be read (Django reads and then overrides them).

    Every request pays this middleware, the minimal view too (tests/bench/run.py compares it
    with Django's default stack): the language is looked up once and reused for the response.
    """

    def process_request(self, request):
        used, prefixed_default = is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))
        if not used or prefixed_default:
            return super().process_request(request)
        from_path = _language_from_path(request.path_info)
        request._language_from_path = from_path
        language = from_path or settings.LANGUAGE_CODE
        if translation.get_language() != language:  # a worker serves mostly one language
            translation.activate(language)
        request.LANGUAGE_CODE = language
        return None

    def process_response(self, request, response):
        if not hasattr(request, "_language_from_path"):
            return super().process_response(request, response)

        # Django's answer when the default language has no prefix (no redirect to add one).
        if not request._language_from_path:
            if "Vary" in response:
                patch_vary_headers(response, ("Accept-Language",))
            else:
                response.headers["Vary"] = "Accept-Language"
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


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


# --- input that cannot crash -----------------------------------------------------------------

MAX_SEGMENT_LENGTH = 255  # characters of one path segment (a file name's limit, above any slug)
MAX_DB_INTEGER = 2**63 - 1  # the largest id either database stores


def _invalid_bytes(raw: bytes) -> bool:
    """NUL anywhere, or bytes that are not UTF-8."""
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _raw_path(request) -> bytes:
    path = request.META.get("PATH_INFO", "")
    try:
        return path.encode("iso-8859-1")  # WSGI: the bytes as received, as Latin-1 text
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogatepass")  # ASGI: already text


def _invalid_encoded(text: str) -> bool:
    """A query string or url-encoded body whose values decode to NUL or to bytes that are not UTF-8."""

    if isinstance(text, bytes):
        text = text.decode("iso-8859-1")
    return _invalid_bytes(unquote_to_bytes(text.replace("+", " ")))


def _is_db_integer(text: str) -> bool:
    return text.isascii() and text.isdigit() and int(text) <= MAX_DB_INTEGER


def _out_of_range_ids(params) -> bool:
    """Ids (``id``, ``pk``, ``…_id``) in a query or form that no row can have: past 64 bits."""
    for key, values in params.lists():
        is_id = key in ("id", "pk") or key.endswith(("_id", "_pk"))
        if is_id and any(value.isascii() and value.isdigit() and int(value) > MAX_DB_INTEGER for value in values):
            return True
    return False


def _view_model(view_func):
    model = getattr(view_func, "view_initkwargs", {}).get("model")
    if isinstance(model, str):
        try:
            model = apps.get_model(model)
        except (LookupError, ValueError):
            return None
    return model if isinstance(model, type) else None


def _has_integer_pk(model) -> bool:
    return model is not None and isinstance(model._meta.pk, models.IntegerField)


class HostileInputMiddleware:
    """Answers 404 to a path, and 400 to a query string or form, that no page could use.

    Refused before any view or database sees them (PostgreSQL refuses NUL in text and an
    unchecked value ends as a 500): NUL bytes and bytes that are not UTF-8 in the path,
    the query string or the form (url-encoded or multipart); a path segment longer than
    ``MAX_SEGMENT_LENGTH``; a number in the URL past what the database stores.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.META.get("PATH_INFO", "")
        # Most paths are short plain ASCII: nothing to decode, no segment can be too long.
        if not (len(path) <= MAX_SEGMENT_LENGTH and path.isascii() and "\x00" not in path):
            raw = _raw_path(request)
            if _invalid_bytes(raw) or any(len(segment) > MAX_SEGMENT_LENGTH for segment in raw.split(b"/")):
                raise Http404("invalid path")
        query = request.META.get("QUERY_STRING", "")
        if query:
            if _invalid_encoded(query):
                raise BadRequest("invalid query string")
            if _out_of_range_ids(request.GET):
                raise BadRequest("id out of range")
        if request.content_type == "application/x-www-form-urlencoded" and (
            _invalid_encoded(request.body) or _out_of_range_ids(request.POST)
        ):
            raise BadRequest("invalid form")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            text = str(value)
            if text.isdigit() and text.isascii() and int(text) > MAX_DB_INTEGER:
                raise Http404("number out of range")
        # The admin's generic views (Wagtail's choosers, snippets) take ``<str:pk>``: an id
        # that is no integer would reach the database as one.
        if (
            isinstance(view_kwargs.get("pk"), str)
            and _has_integer_pk(_view_model(view_func))
            and not _is_db_integer(unquote(view_kwargs["pk"]))
        ):
            raise Http404("not an id")
        # A multipart form is parsed here as the CSRF check would parse it: not for views
        # exempt from it (webhooks read their body themselves).
        if (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            and not getattr(view_func, "csrf_exempt", False)
        ):
            for key, values in request.POST.lists():
                if any("\x00" in text or "\ufffd" in text for text in (key, *values)):
                    raise BadRequest("invalid form")
        return None
