"""Pushes never run inside a request: a hanging partner does not hold an editor's save."""

import socket
import threading
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError
from wagtail.test.utils.form_data import querydict_from_html

from core import roles, tasks
from feeds.models import FeedRun, Partner, ProducerOptIn
from feeds.services import runs_fail_abandoned
from feeds.tasks import push_changes
from tests.factories.catalog import ProductFactory, ProductImageFactory
from tests.factories.producers import StallFactory, UserFactory

# The partners' endpoints here are servers of the test's own, on loopback.
pytestmark = pytest.mark.usefixtures("allow_loopback_push")


class HangingServer:
    """Accepts connections on loopback and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.accepted = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/inbox"

    def _accept(self):
        self.sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(conn)

    def close(self):
        self._stop = True
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def background(settings):
    """The production path without Redis: the bounded in-process worker."""
    settings.TASKS_INLINE = False
    settings.REDIS_URL = ""
    yield tasks.worker
    assert tasks.worker.drain(timeout=30)


@pytest.fixture
def hanging():
    server = HangingServer()
    yield server
    server.close()


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_does_not_wait_for_a_partner_that_hangs(client, settings, background, hanging):
    settings.FEEDS_PUSH_DEBOUNCE = 0  # the push starts at once, while the editor is still saving
    settings.FEEDS_PUSH_TIMEOUT = (1, 5)  # a push inside the request would hold it 5 s
    settings.FEEDS_PUSH_RETRIES = 0
    # One commit: the tasks the setup schedules (the photo's renditions, the pushes) start
    # after its last write. The suite's in-memory SQLite lets one connection write at a time
    # and answers a second writer "table is locked" at once instead of waiting.
    with transaction.atomic():
        stall = StallFactory()
        product = ProductFactory(producer=stall.producer, name="Bánh pía Sóc Trăng", price=85000)
        ProductImageFactory(product=product)
        partner = Partner.objects.create(name="Chậm", slug="cham", push_url=hanging.url, push_on_change=True)
        ProducerOptIn.objects.create(partner=partner, producer=stall.producer)
    assert background.drain(timeout=30)
    client.force_login(UserFactory(groups=[roles.EDITOR]))
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    data = querydict_from_html(client.get(url).text, form_id="w-editor-form")
    data["price"] = "90000"

    started = time.monotonic()
    response = client.post(url, data)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2.5, f"the save took {elapsed:.2f} s"  # about 0.05 s; a loaded machine is slower
    deadline = time.monotonic() + 10
    while not hanging.accepted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hanging.accepted, "the push did run, in the background"
    assert background.drain(timeout=30)
    runs = FeedRun.objects.filter(partner=partner)
    assert runs.exists()
    for run in runs:  # none left "running"
        assert run.status == FeedRun.Status.FAILED and run.attempts == 1
        assert "Timeout" in run.error or "timed out" in run.error


@pytest.mark.django_db
def test_an_unreachable_broker_falls_back_to_the_in_process_worker(settings, monkeypatch):
    settings.TASKS_INLINE = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(push_changes, "apply_async", refused)
    ran = []
    monkeypatch.setattr(push_changes, "run", lambda: ran.append(True) or 0)
    assert tasks.dispatch(push_changes) == "thread"
    assert tasks.worker.drain(timeout=10)
    assert ran == [True]


@pytest.mark.django_db
def test_with_redis_the_task_goes_to_celery(settings, monkeypatch):
    settings.TASKS_INLINE = False
    settings.REDIS_URL = "redis://127.0.0.1:6379/6"
    sent = []
    monkeypatch.setattr(push_changes, "apply_async", lambda **kwargs: sent.append(kwargs))
    assert tasks.dispatch(push_changes, countdown=60) == "celery"
    assert sent == [{"args": (), "kwargs": {}, "countdown": 60, "retry": False}]


def test_the_queue_is_bounded(settings, monkeypatch):
    settings.TASKS_QUEUE_SIZE = 2
    queue = tasks.Worker()
    monkeypatch.setattr(queue, "_start_threads", lambda: None)  # nothing takes from it
    assert queue.submit(push_changes, (), {}) and queue.submit(push_changes, (), {})
    assert not queue.submit(push_changes, (), {}), "a full queue refuses instead of blocking the request"


@pytest.mark.django_db
def test_a_run_whose_process_died_is_failed_not_left_running():
    import datetime

    from django.utils import timezone

    partner = Partner.objects.create(name="Postmart", slug="postmart")
    dead = FeedRun.objects.create(
        partner=partner, format="google", trigger="push", started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    live = FeedRun.objects.create(partner=partner, format="google", trigger="push")
    assert runs_fail_abandoned() == 1
    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, live.status) == (FeedRun.Status.FAILED, FeedRun.Status.RUNNING)
    assert dead.finished_at is not None and "Interrupted" in dead.error


@pytest.mark.django_db(transaction=True)
def test_cron_runs_the_daily_push_without_redis(settings, background):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        with transaction.atomic():  # one commit, as above: the worker does not write alongside
            stall = StallFactory()
            product = ProductFactory(producer=stall.producer, name="Mứt gừng")
            ProductImageFactory(product=product)
            partner = Partner.objects.create(
                name="Postmart",
                slug="postmart",
                push_url=f"http://127.0.0.1:{server.server_address[1]}/",
                push_daily=True,
            )
            ProducerOptIn.objects.create(partner=partner, producer=stall.producer)
        assert background.drain(timeout=30)
        call_command("run_task", "feeds.tasks.push_all_partners")
        run = FeedRun.objects.get(partner=partner)
        assert run.status == FeedRun.Status.SUCCEEDED and b"M\xe1\xbb\xa9t g\xe1\xbb\xabng" in received[0]
    finally:
        server.shutdown()
        server.server_close()
