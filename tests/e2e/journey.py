"""A phone at 360 × 740 with touch that counts what a person does on it.

- a **screen** is one full page load of the main frame (a POST answered by a redirect loads
  one page, so it counts once);
- a **tap** is one touch: a button, a link, a checkbox; a native ``<select>`` costs two (open
  the list, pick), a camera photo three (open the camera, shutter, accept);
- **characters** are what is typed on the keyboard, with the household's and product's own
  names counted apart (``names``), since the issue's budget leaves them out.
"""

from __future__ import annotations

from .conftest import SCREENSHOTS

PHONE = {"width": 360, "height": 740}


class Journey:
    def __init__(self, browser, base_url, name):
        self.base = base_url
        self.name = name
        self.context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
        self.page = self.context.new_page()
        self.screens: list[str] = []
        self.taps = 0
        self.chars = 0
        self.names = 0
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("load", lambda page: self.screens.append(page.url))

    # --- what the person does -------------------------------------------------------------

    def open(self, path):
        """Typing an address or opening a bookmark: a screen, no tap."""
        response = self.page.goto(path if path.startswith("http") else self.base + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: {response and response.status}"

    def tap(self, selector, *, navigates=True):
        locator = self.page.locator(selector).first
        locator.scroll_into_view_if_needed()
        if navigates:
            with self.page.expect_navigation(wait_until="load"):
                locator.tap()
        else:
            locator.tap()
        self.taps += 1

    def type(self, selector, text, *, name=False):
        """Tap the field and type ``text`` (``name``: the household's or the product's own name)."""
        locator = self.page.locator(selector).first
        locator.scroll_into_view_if_needed()
        locator.tap()
        self.taps += 1
        locator.fill("")
        locator.type(text)
        if name:
            self.names += len(text)
        else:
            self.chars += len(text)

    def choose(self, selector, value):
        self.page.select_option(selector, value)
        self.taps += 2

    def photo(self, selector, path):
        self.page.set_input_files(selector, path)
        self.taps += 3

    # --- what the test checks --------------------------------------------------------------

    def first_field_visible(self, selector="main form :is(input:not([type=hidden]),select,textarea)"):
        """The first field of the screen lies inside the 740 px window without scrolling."""
        self.page.evaluate("window.scrollTo(0, 0)")
        box = self.page.locator(selector).first.bounding_box()
        assert box is not None, f"{self.page.url}: no field"
        assert box["y"] >= 0 and box["y"] + min(box["height"], 44) <= PHONE["height"], (
            f"{self.page.url}: the first field starts {box['y']:.0f} px down a {PHONE['height']} px screen"
        )
        return box["y"]

    def shot(self, n, label):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{n:02d}-{label}-360.png"
        self.page.screenshot(path=str(path), full_page=True)
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{label}: the page scrolls sideways by {overflow}px"
        return path

    def report(self) -> str:
        return (
            f"{self.name}: {len(self.screens)} screens, {self.taps} taps, {self.chars} characters typed "
            f"(+ {self.names} of the household's and product's names)"
        )

    def close(self):
        self.page.wait_for_load_state("networkidle")
        self.page.goto("about:blank")
        self.context.close()
