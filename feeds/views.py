"""Pull endpoints: ``GET /feeds/<partner>/<file>`` with the partner's token."""

from __future__ import annotations

import datetime
import hashlib
import math
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date
from django.utils.text import compress_sequence
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog.pricing import live_offers
from core import throttle

from . import queries, services
from .models import FeedRun, Partner

TEXT = "text/plain; charset=utf-8"
FORMAT_BY_FILE = {name: fmt for fmt, name in services.FILE_NAMES.items()}
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


def _token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.GET.get("token") or None


def _unauthorized() -> HttpResponse:
    # Says nothing about the partner or the catalog: only that a valid token is needed.
    response = HttpResponse(_("A valid access token is required."), status=401, content_type=TEXT)
    response["WWW-Authenticate"] = 'Bearer realm="feeds"'
    response["Cache-Control"] = "no-store"
    return response


# ``since`` earlier than any feed (2000) or later than tomorrow cannot mean anything: refused
# rather than converted, which would overflow at the ends of the calendar (0001-01-01, or
# 9999-12-31 with a negative offset) or fail while the feed is streamed.
SINCE_EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=14)))  # the first zone


def parse_since(value: str) -> datetime.datetime:
    """An ISO-8601 time or date between 2000 and tomorrow; "+" that a query string turned
    into a space is restored. ``ValueError`` for anything else."""
    value = value.strip().replace(" ", "+")
    moment = parse_datetime(value)  # raises ValueError itself for a well-formed impossible date
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(day, datetime.time.min)
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        utc = moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError) as error:
        raise ValueError(value) from error
    if not SINCE_EARLIEST <= utc <= timezone.now() + datetime.timedelta(days=1):
        raise ValueError(value)
    return utc


def _validators(partner: Partner, fmt: str, since, offers, now) -> tuple[str, datetime.datetime | None]:
    """A weak ETag and Last-Modified from a few aggregates, without generating the feed.

    Last-Modified is the last change rounded up to the second, and sent only once that
    second is over: a change later in the same second then still gets a newer date, so an
    ``If-Modified-Since`` client never keeps a stale feed (HTTP dates have no fractions).
    """
    state = queries.fingerprint(partner, since=since, today=timezone.localdate(now))
    offer_key = sorted((o.promotion_id, o.kind, o.value, str(o.starts_at), str(o.ends_at)) for o in offers)
    digest = hashlib.sha256(repr((fmt, sorted(state.items()), offer_key)).encode()).hexdigest()[:32]
    changed = queries.last_change(partner, state, now)
    last_modified = math.ceil(changed.timestamp())
    return f'W/"{digest}"', (last_modified if last_modified <= now.timestamp() else None)


@require_safe
def feed(request, partner_slug: str, file_name: str):
    fmt = FORMAT_BY_FILE.get(file_name)
    partner = Partner.objects.filter(slug=partner_slug, active=True).first()
    # Wrong tokens are limited per client, and per partner slug; the partner's own token
    # still passes when others guessed at its slug (core/throttle.py).
    by_client = (throttle.FEED_TOKEN_BY_CLIENT, throttle.client_id(request))
    by_partner = (throttle.FEED_TOKEN_BY_PARTNER, partner_slug)
    if throttle.exceeded(by_client):
        return throttle.too_many(request, throttle.FEED_TOKEN_BY_CLIENT)
    if fmt is None:
        throttle.hit(by_client)
        raise Http404
    # An unknown partner gets the same answer as a wrong token: partner names cannot be probed.
    if partner is None or not partner.check_token(_token(request)):
        if throttle.exceeded(by_partner):
            return throttle.too_many(request, throttle.FEED_TOKEN_BY_PARTNER)
        throttle.hit(by_client, by_partner)
        return _unauthorized()
    if not partner.accepts(fmt):
        raise Http404
    since = None
    if request.GET.get("since"):
        try:
            since = parse_since(request.GET["since"])
        except ValueError:
            return HttpResponseBadRequest(
                _("since must be an ISO-8601 date or time, from 2000-01-01 until tomorrow."), content_type=TEXT
            )

    now = timezone.now()
    offers = live_offers(now)
    etag, last_modified = _validators(partner, fmt, since, offers, now)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified

    if request.method == "HEAD":
        response = HttpResponse(content_type=services.CONTENT_TYPES[fmt])
        _set_validators(response, etag, last_modified)
        return response
    run = services.run_start(partner=partner, fmt=fmt, trigger=FeedRun.Trigger.PULL, since=since)
    body = services.feed_generate(partner=partner, fmt=fmt, since=since, run=run)
    response = StreamingHttpResponse(body, content_type=services.CONTENT_TYPES[fmt])
    if "gzip" in request.headers.get("Accept-Encoding", "").lower():
        response.streaming_content = compress_sequence(body)
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding", "Authorization"])
    _set_validators(response, etag, last_modified)
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = f'inline; filename="{partner.slug}-{file_name}"'
    response["X-Feed-Run"] = str(run.uuid)
    return response


def _set_validators(response, etag: str, last_modified: int | None) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)


def schema(request, name: str):
    path = SCHEMA_DIR / name
    if path.parent != SCHEMA_DIR or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="application/schema+json")
