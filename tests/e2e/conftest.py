"""Real headless Chromium (Debian's) driven by Playwright against pytest-django's live server.

Never `playwright install`: it downloads browsers, which fails here; the tests use the
system's /usr/bin/chromium, which `.ci/run` installs when it is missing.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = "Debian's chromium is not installed (apt-get install -y chromium); .ci/run installs it"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
MOBILE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = [MOBILE, DESKTOP]

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for the e2e tests, which pytest-django runs together (transactional tests last).

    Package-scoped, so Playwright's event loop is gone before any later test runs.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API marks an event loop as running in the test's thread; Django
    # then refuses database access from "an async context". Only while the browser lives:
    # a process-wide setting would leak into `manage.py check --deploy` (async.E001).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Once Playwright has started, the test code runs in another contextvars context, where
    # Django's connection handler (an asgiref Local) would open new connection objects,
    # without the test database's serialized contents that serialized_rollback restores.
    # Hand the existing connections over to that context.
    existing = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    try:
        for alias, connection in existing.items():
            setattr(connections._connections, alias, connection)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Screen:
    """One browser context at one viewport, with the page's console errors collected."""

    def __init__(self, browser, base_url, viewport, **options):
        self.base_url = base_url
        self.viewport = viewport
        self.context = browser.new_context(viewport=viewport, locale="vi-VN", **options)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def goto(self, path):
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return self.page

    def shot(self, name):
        """Save the full page as artifacts/screenshots/<name>-<width>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.viewport['width']}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def horizontal_overflow(self):
        """How many css px the page is wider than the window (0 when nothing scrolls sideways)."""
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def close(self):
        self.context.close()


@pytest.fixture
def screen(browser, live_server):
    """Open a Screen: ``screen(MOBILE)``, ``screen(DESKTOP, java_script_enabled=False)``."""
    opened = []

    def open_screen(viewport=MOBILE, **options):
        opened.append(Screen(browser, live_server.url, viewport, **options))
        return opened[-1]

    yield open_screen
    for s in opened:
        s.close()
