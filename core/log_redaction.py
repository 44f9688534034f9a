"""Nothing private in the logs: private links, tokens and e-mail addresses are redacted.

Whoever reads the logs (a hosting provider, a log service, a colleague debugging) must not
get what opens a buyer's order (``/don-hang/<token>/``), sets a household's password
(``/dat-mat-khau/<token>/``), pulls a partner's feed (``?token=…``, ``Authorization:
Bearer …``) or reaches a person (an e-mail address). ``RedactingFilter`` is on every
handler of ``settings.LOGGING`` (and Django's development server log); gunicorn's access
log uses ``RedactingGunicornLogger`` (``ocop_market/gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# URL paths whose last segment is the permission itself (capability links).
PRIVATE_PATH = re.compile(r"(/(?:don-hang|dat-mat-khau)/)(?!\[redacted\])[^/\s?#\"'<>]+", re.IGNORECASE)
SECRET_PARAMETER = re.compile(
    r"((?:^|[?&;\s])(?:token|access_token|key|api_key|signature|sig|code|otp|password|secret)=)[^&\s\"'<>]+",
    re.IGNORECASE,
)
BEARER = re.compile(r"(\b(?:Bearer|Token)\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def redact(text: str) -> str:
    """``text`` without private links, secret query parameters, bearer tokens and e-mail addresses."""
    if not text:
        return text
    text = PRIVATE_PATH.sub(rf"\1{REDACTED}", text)
    text = SECRET_PARAMETER.sub(rf"\1{REDACTED}", text)
    text = BEARER.sub(rf"\1{REDACTED}", text)
    return EMAIL.sub("[email]", text)


def mask_recipient(recipient: str) -> str:
    """Whom a message went to, recognisable by its owner only: ``[email]`` or ``…321`` for a phone."""
    if not recipient:
        return "-"
    if "@" in recipient:
        return "[email]"
    digits = re.sub(r"\D", "", recipient)
    return f"…{digits[-3:]}" if digits else REDACTED


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (arguments merged in) and traceback through ``redact``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the formatter's own error
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


try:  # gunicorn is only installed where the site is served
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None

if _GunicornLogger is not None:

    class RedactingGunicornLogger(_GunicornLogger):
        """Gunicorn's logger with every access-log field (path, request line, referer …) redacted."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
