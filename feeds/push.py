"""The push client: POST a partner's feed to its push URL, signed, with retries.

The feed is generated once into a spooled temporary file (in memory while small, on disk
past ``SPOOL_MAX_BYTES``) and the HMAC is computed while it is written, so memory stays
flat whatever the catalog's size; each attempt streams the same bytes from that file.

Retries: connection errors, timeouts and 5xx answers are retried with exponential
backoff (``FEEDS_PUSH_BACKOFF * 2 ** n`` seconds, ``FEEDS_PUSH_RETRIES`` times); a 4xx is
the partner refusing this body, so it is not retried. Every attempt carries the same
``Idempotency-Key`` (the run's key), so a partner that did receive a body whose answer
was lost can ignore the repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import tempfile
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone

from core.outbound import public_session
from feeds import services
from feeds.models import FeedRun
from feeds.services import CONTENT_TYPES, run_start

logger = logging.getLogger(__name__)

SPOOL_MAX_BYTES = 8 * 1024 * 1024
ERROR_MAX_CHARS = 2000
SIGNATURE_HEADER = "X-OCOP-Signature"


def sign(secret: str | bytes, body: bytes) -> str:
    """The ``X-OCOP-Signature`` value for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    key = secret.encode() if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(secret: str | bytes, body: bytes, header: str) -> bool:
    """What a partner does with the header: constant-time comparison of the signature."""
    return hmac.compare_digest(sign(secret, body), header or "")


class _Body:
    """A file-like request body of known length, read from the spooled feed.

    ``__len__`` lets requests send ``Content-Length`` without asking the spooled file for
    a ``fileno()`` (which would force it onto disk).
    """

    def __init__(self, file, size: int):
        self._file = file
        self._size = size
        file.seek(0)

    def __len__(self):
        return self._size

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)


@dataclass
class Answer:
    http_status: int | None
    text: str
    retryable: bool


def _truncate(text: str) -> str:
    text = text.strip()
    return text if len(text) <= ERROR_MAX_CHARS else text[: ERROR_MAX_CHARS - 1] + "…"


def _post_once(session, url: str, body: _Body, headers: dict, timeout) -> Answer:
    try:
        response = session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True)
    except (requests.ConnectionError, requests.Timeout) as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}", retryable=True)
    except requests.RequestException as exc:  # a malformed URL and the like: retrying will not help
        return Answer(None, f"{type(exc).__name__}: {exc}", retryable=False)
    with response:
        # Read at most what the log keeps: a partner answering with megabytes is not our memory's problem.
        raw = response.raw.read(ERROR_MAX_CHARS * 4, decode_content=True) if response.raw else b""
        text = raw.decode(response.encoding or "utf-8", errors="replace")
    return Answer(response.status_code, text, retryable=response.status_code >= 500)


def post_feed(
    *,
    url: str,
    file,
    size: int,
    signature: str,
    content_type: str,
    idempotency_key: str,
    retries: int | None = None,
    backoff: float | None = None,
    timeout=None,
    session: requests.Session | None = None,
    sleep=time.sleep,
) -> tuple[Answer, int]:
    """POST the ``size`` bytes of ``file`` to ``url``; returns the last answer and the attempts made."""
    retries = settings.FEEDS_PUSH_RETRIES if retries is None else retries
    backoff = settings.FEEDS_PUSH_BACKOFF if backoff is None else backoff
    timeout = timeout or settings.FEEDS_PUSH_TIMEOUT
    headers = {
        "Content-Type": content_type,
        SIGNATURE_HEADER: signature,
        "Idempotency-Key": idempotency_key,
        "User-Agent": "OCOP-Market-Feeds/1",
    }
    own_session = session is None
    # Only public addresses, checked once connected (after DNS resolution): core/outbound.py.
    session = session or public_session()
    try:
        attempt = 0
        while True:
            attempt += 1
            answer = _post_once(session, url, _Body(file, size), headers, timeout)
            ok = answer.http_status is not None and 200 <= answer.http_status < 300
            if ok or not answer.retryable or attempt > retries:
                return answer, attempt
            delay = backoff * 2 ** (attempt - 1)
            logger.info("Push to %s: attempt %s failed (%s), retrying in %.1f s", url, attempt, answer.text, delay)
            sleep(delay)
    finally:
        if own_session:
            session.close()


def spool_feed(chunks, secret: str | bytes):
    """Write ``chunks`` to a spooled temporary file; returns ``(file, size, signature)``."""
    key = secret.encode() if isinstance(secret, str) else secret
    mac = hmac.new(key, digestmod=hashlib.sha256)
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 - the caller closes it
    size = 0
    try:
        for chunk in chunks:
            if isinstance(chunk, str):
                chunk = chunk.encode()
            file.write(chunk)
            mac.update(chunk)
            size += len(chunk)
    except BaseException:
        file.close()
        raise
    return file, size, "sha256=" + mac.hexdigest()


def push_feed(*, partner, fmt: str, since=None, **client_options):
    """Generate ``partner``'s feed in ``fmt`` and POST it to ``partner.push_url``; returns the FeedRun.

    The run records items, bytes and exclusions (written by the generator), the number
    of attempts, the partner's last HTTP status, and its answer as the error when it failed.
    """

    run = run_start(partner=partner, fmt=fmt, trigger=FeedRun.Trigger.PUSH, since=since)
    if not partner.push_url:
        return _finish(run, status=FeedRun.Status.FAILED, error="The partner has no push URL.")
    try:
        file, size, signature = spool_feed(
            services.feed_generate(partner=partner, fmt=fmt, since=since, run=run), partner.signing_secret
        )
    except Exception:
        # feed_generate has marked the run failed with the error; the task's log has the traceback.
        logger.exception("Generating the %s feed of %s for a push failed", fmt, partner)
        run.refresh_from_db()
        if run.status == FeedRun.Status.RUNNING:
            return _finish(run, status=FeedRun.Status.FAILED, error="The feed could not be generated.")
        return run
    try:
        with file:
            answer, attempts = post_feed(
                url=partner.push_url,
                file=file,
                size=size,
                signature=signature,
                content_type=CONTENT_TYPES[fmt],
                idempotency_key=str(run.uuid),
                **client_options,
            )
    except BaseException as exc:  # never leave the run "running" (a worker stopping, a bug)
        _finish(run, status=FeedRun.Status.FAILED, error=_truncate(f"{type(exc).__name__}: {exc}"), bytes=size)
        raise
    succeeded = answer.http_status is not None and 200 <= answer.http_status < 300
    return _finish(
        run,
        status=FeedRun.Status.SUCCEEDED if succeeded else FeedRun.Status.FAILED,
        http_status=answer.http_status,
        error="" if succeeded else (_truncate(answer.text) or f"HTTP {answer.http_status}"),
        attempts=attempts,
        bytes=size,
    )


def _finish(run, **fields):
    """Save the outcome on the run; only these fields, so the generator's counts stay."""
    fields["finished_at"] = timezone.now()
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=list(fields))
    return run
