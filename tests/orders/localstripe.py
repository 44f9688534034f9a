"""A real localstripe for the payment tests, on a free loopback port, stopped after the run.

Import the fixtures into a test module (or a conftest) to use them:

    from tests.orders.localstripe import localstripe, localstripe_server  # noqa: F401

``localstripe_server`` (session): one server process (``demo/localstripe_server.py``, bound to
127.0.0.1, empty state), on the first free port of 12200-12299.
``localstripe`` (per test): the same server wiped (no objects, no webhooks), and the site's
settings pointed at it (``STRIPE_API_BASE``, a test key, a webhook secret).
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(12200, 12300)
SECRET_KEY = "sk_test_ocop_market"
WEBHOOK_SECRET = "whsec_ocop_market_test"
PUBLISHABLE_KEY = "pk_test_ocop_market"


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class LocalStripe:
    """A localstripe process and a few helpers that speak its test-only ``/_config`` API."""

    def __init__(self, port: int, process: subprocess.Popen):
        self.port = port
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self.session = requests.Session()
        self.session.auth = (SECRET_KEY, "")

    @classmethod
    def start(cls) -> LocalStripe:
        ports = list(PORTS)
        random.shuffle(ports)  # parallel runs rarely pick the same first port
        for port in ports:
            if not _port_is_free(port):
                continue
            process = subprocess.Popen(
                [sys.executable, "-m", "demo.localstripe_server", "--port", str(port), "--quiet"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            server = cls(port, process)
            if server._wait_ready():
                return server
            server.stop()
        raise RuntimeError("no free port for localstripe in 12200-12299")

    def _wait_ready(self) -> bool:
        """Wait for the "listening" line (or the process dying: port taken by a parallel run)."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if b"listening on" in line:
                break
        else:
            return False
        # Keep reading its log so a full pipe never blocks the server.
        threading.Thread(target=self._drain, daemon=True).start()
        try:
            return self.session.get(self.url + "/v1/balance", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def _drain(self) -> None:
        for _line in self.process.stderr or ():
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # The test-only API -----------------------------------------------------------------------
    def reset(self) -> None:
        """No objects and no webhooks: every test starts from nothing."""
        self.session.delete(self.url + "/_config/data", timeout=5).raise_for_status()
        self.session.delete(self.url + "/_config/webhooks", timeout=5).raise_for_status()

    def register_webhook(self, url: str, secret: str = WEBHOOK_SECRET, webhook_id: str = "ocop") -> None:
        self.session.post(
            f"{self.url}/_config/webhooks/{webhook_id}", data={"url": url, "secret": secret}, timeout=5
        ).raise_for_status()

    def get(self, path: str, **params) -> dict:
        response = self.session.get(self.url + path, params=params, timeout=5)
        response.raise_for_status()
        return response.json()

    def payment_intents(self) -> list[dict]:
        return self.get("/v1/payment_intents")["data"]


_server: LocalStripe | None = None


@pytest.fixture(scope="session")
def localstripe_server():
    # One process for the run even when several modules import this fixture.
    global _server
    if _server is None or _server.process.poll() is not None:
        _server = LocalStripe.start()
    yield _server
    if _server is not None:
        _server.stop()
        _server = None


@pytest.fixture
def localstripe(localstripe_server, settings):
    localstripe_server.reset()
    settings.STRIPE_API_BASE = localstripe_server.url
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # The card element: localstripe's Stripe.js stand-in, served by the same server.
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_JS_URL = localstripe_server.url + "/js.stripe.com/v3/"
    yield localstripe_server
