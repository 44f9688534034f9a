"""Pushes against a real HTTP server on 127.0.0.1, started by each test in a thread."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import etree

from feeds import push as push_module
from feeds.models import FeedRun, Partner, ProducerOptIn
from feeds.push import push_feed, sign, verify
from feeds.tasks import DEBOUNCE_KEY, push_all_partners, push_changes, push_partner_feed
from ocop_market.celery import app as celery_app
from tests.factories.catalog import ProductFactory, ProductImageFactory

SECRET = "partner-signing-secret-ạ"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback_push")]


class PartnerServer(ThreadingHTTPServer):
    """Answers POSTs with the scripted statuses in turn (the last one repeats), and
    refuses with 401 a body whose X-OCOP-Signature does not verify."""

    daemon_threads = True

    def __init__(self, script):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = list(script)
        self.received = []
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/inbox"

    def next_answer(self):
        with self.lock:
            answer = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return answer if isinstance(answer, tuple) else (answer, "")


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        signature_ok = verify(SECRET, body, self.headers.get("X-OCOP-Signature", ""))
        self.server.received.append({"headers": dict(self.headers), "body": body, "signature_ok": signature_ok})
        status, text = self.server.next_answer()
        if not signature_ok:
            status, text = 401, "bad signature"
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def partner_server():
    servers = []

    def start(*script):
        server = PartnerServer(script or (200,))
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.FEEDS_PUSH_BACKOFF = 0
    settings.FEEDS_PUSH_RETRIES = 3


@pytest.fixture
def eager_celery():
    """Tasks run in-process whatever REDIS_URL says (the settings make them eager without it)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def make_partner(url, *, formats=("google",), **fields):
    partner = Partner.objects.create(
        name=fields.pop("name", "Postmart"),
        slug=fields.pop("slug", "postmart"),
        push_url=url,
        signing_secret=SECRET,
        format_google="google" in formats,
        format_csv="csv" in formats,
        format_json="json" in formats,
        **fields,
    )
    return partner


def listed_product(partner, **fields):
    product = ProductFactory(**fields)
    ProductImageFactory(product=product)
    ProducerOptIn.objects.create(partner=partner, producer=product.producer)
    return product


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the push client ---------------------------------------------------------------------


def test_push_retries_after_two_503_then_succeeds_with_a_verified_signature(partner_server):
    server = partner_server(503, 503, (200, "accepted"))
    partner = make_partner(server.url)
    product = listed_product(partner, name="Bánh pía Sóc Trăng & trứng muối <đặc biệt>")

    run = push_feed(partner=partner, fmt="google")

    run.refresh_from_db()
    assert run.status == FeedRun.Status.SUCCEEDED
    assert run.trigger == FeedRun.Trigger.PUSH
    assert run.attempts == 3
    assert run.http_status == 200
    assert run.error == ""
    assert run.finished_at is not None
    assert run.items == 1
    assert len(server.received) == 3
    bodies = {r["body"] for r in server.received}
    assert len(bodies) == 1, "every attempt sends the same bytes"
    body = bodies.pop()
    assert run.bytes == len(body)
    assert all(r["signature_ok"] for r in server.received)
    assert server.received[0]["headers"]["X-OCOP-Signature"] == sign(SECRET, body)
    assert {r["headers"]["Idempotency-Key"] for r in server.received} == {str(run.uuid)}
    assert server.received[0]["headers"]["Content-Type"].startswith("application/xml")
    titles = etree.fromstring(body).findall(".//item/{http://base.google.com/ns/1.0}title")
    assert [t.text for t in titles] == [product.name]


def test_a_400_is_not_retried_and_the_run_fails_with_the_partners_answer(partner_server):
    server = partner_server((400, "Thiếu trường g:price ở dòng 3"), 200)
    partner = make_partner(server.url, formats=("json",))
    listed_product(partner)

    run = push_feed(partner=partner, fmt="json")

    run.refresh_from_db()
    assert len(server.received) == 1
    assert run.status == FeedRun.Status.FAILED
    assert run.attempts == 1
    assert run.http_status == 400
    assert run.error == "Thiếu trường g:price ở dòng 3"
    assert server.received[0]["headers"]["Content-Type"] == "application/json"
    assert json.loads(server.received[0]["body"])["items"]


def test_a_wrong_signing_secret_is_refused_by_the_partner_and_not_retried(partner_server):
    server = partner_server(200)
    partner = make_partner(server.url)
    partner.signing_secret = "another-secret"
    partner.save()
    listed_product(partner)

    run = push_feed(partner=partner, fmt="google")

    assert (run.status, run.http_status, run.attempts, run.error) == (FeedRun.Status.FAILED, 401, 1, "bad signature")


def test_5xx_every_time_retries_with_exponential_backoff_then_fails(partner_server):
    server = partner_server((502, "Bad gateway"))
    partner = make_partner(server.url)
    listed_product(partner)
    sleeps = []

    run = push_feed(partner=partner, fmt="google", retries=3, backoff=0.5, sleep=sleeps.append)

    assert sleeps == [0.5, 1.0, 2.0]
    assert len(server.received) == 4
    assert (run.status, run.http_status, run.attempts, run.error) == (FeedRun.Status.FAILED, 502, 4, "Bad gateway")


def test_connection_refused_is_retried_then_the_run_fails():
    partner = make_partner(f"http://127.0.0.1:{free_port()}/inbox")
    listed_product(partner)
    sleeps = []

    run = push_feed(partner=partner, fmt="google", retries=2, backoff=0.1, sleep=sleeps.append)

    run.refresh_from_db()
    assert run.status == FeedRun.Status.FAILED
    assert run.attempts == 3
    assert sleeps == [0.1, 0.2]
    assert run.http_status is None
    assert "ConnectionError" in run.error


def test_a_long_answer_is_truncated_in_the_log(partner_server):
    server = partner_server((422, "x" * 50_000))
    partner = make_partner(server.url)
    listed_product(partner)

    run = push_feed(partner=partner, fmt="google")

    assert run.http_status == 422
    assert len(run.error) <= push_module.ERROR_MAX_CHARS


def test_a_feed_larger_than_the_spool_is_streamed_from_disk(partner_server, monkeypatch):
    monkeypatch.setattr(push_module, "SPOOL_MAX_BYTES", 64)
    server = partner_server(200)
    partner = make_partner(server.url, formats=("csv",))
    products = [listed_product(partner) for _ in range(3)]

    run = push_feed(partner=partner, fmt="csv")

    assert run.status == FeedRun.Status.SUCCEEDED
    body = server.received[0]["body"]
    assert run.bytes == len(body) > 64
    assert server.received[0]["signature_ok"]
    text = body.decode("utf-8-sig")
    assert all(p.name in text for p in products)


def test_a_partner_without_push_url_fails_without_a_request():
    partner = make_partner("")
    run = push_feed(partner=partner, fmt="google")
    assert run.status == FeedRun.Status.FAILED
    assert run.attempts == 0


# --- the Celery tasks (eager) ---------------------------------------------------------------


def test_push_partner_feed_task_runs_eagerly_and_logs_the_run(partner_server, eager_celery):
    server = partner_server(503, 200)
    partner = make_partner(server.url, formats=("csv",))
    listed_product(partner, name="Nước mắm Phú Quốc")

    result = push_partner_feed.delay(partner.pk, "csv")

    run = FeedRun.objects.get(pk=result.get())
    assert (run.status, run.attempts, run.http_status, run.format) == (FeedRun.Status.SUCCEEDED, 2, 200, "csv")
    assert "Nước mắm Phú Quốc" in server.received[-1]["body"].decode("utf-8-sig")


def test_push_partner_feed_skips_inactive_partners(partner_server, eager_celery):
    server = partner_server(200)
    partner = make_partner(server.url, active=False)
    assert push_partner_feed.delay(partner.pk, "google").get() is None
    assert server.received == []
    assert not FeedRun.objects.exists()


def test_daily_push_covers_every_format_of_active_daily_partners(
    partner_server, eager_celery, django_capture_on_commit_callbacks
):
    server = partner_server(200)
    daily = make_partner(server.url, formats=("google", "json"), push_daily=True)
    make_partner(server.url, slug="inactive", active=False, push_daily=True)
    make_partner(server.url, slug="pull-only", push_daily=False)
    make_partner("", slug="no-url", push_daily=True)
    listed_product(daily)

    with django_capture_on_commit_callbacks(execute=True):  # the pushes are enqueued at commit
        assert push_all_partners.delay().get() == 2

    runs = FeedRun.objects.all()
    assert {(r.partner_id, r.format, r.status) for r in runs} == {
        (daily.pk, "google", FeedRun.Status.SUCCEEDED),
        (daily.pk, "json", FeedRun.Status.SUCCEEDED),
    }
    assert len(server.received) == 2


def test_a_product_change_pushes_incrementally_once_per_debounce_window(
    partner_server, eager_celery, django_capture_on_commit_callbacks
):
    server = partner_server(200)
    partner = make_partner(server.url, push_on_change=True)
    product = listed_product(partner)
    previous = push_feed(partner=partner, fmt="google")
    assert previous.status == FeedRun.Status.SUCCEEDED
    from django.core.cache import cache

    cache.delete(DEBOUNCE_KEY)

    with django_capture_on_commit_callbacks(execute=True):
        product.price = 99_000
        product.save()
    with django_capture_on_commit_callbacks(execute=True):
        product.stock = 0
        product.save()

    incremental = FeedRun.objects.exclude(pk=previous.pk)
    assert incremental.count() == 1, "the second change falls in the same window"
    run = incremental.get()
    assert run.since == previous.started_at
    assert run.status == FeedRun.Status.SUCCEEDED
    assert b"99000" in server.received[-1]["body"]


def test_no_change_push_without_a_partner_that_wants_it(
    partner_server, eager_celery, django_capture_on_commit_callbacks
):
    server = partner_server(200)
    partner = make_partner(server.url, push_on_change=False)
    product = listed_product(partner)
    with django_capture_on_commit_callbacks(execute=True):
        product.save()
    assert server.received == []
    assert push_changes.delay().get() == 0


def test_a_feed_that_cannot_be_generated_fails_the_run_without_a_request(partner_server, monkeypatch):
    server = partner_server(200)
    partner = make_partner(server.url)

    def broken(**kwargs):
        yield b"<rss>"
        raise RuntimeError("database went away")

    monkeypatch.setattr("feeds.services.feed_generate", broken)
    run = push_feed(partner=partner, fmt="google")

    assert run.status == FeedRun.Status.FAILED
    assert run.finished_at is not None
    assert server.received == []
