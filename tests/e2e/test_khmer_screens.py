"""Khmer on a cheap phone: glyphs from the site's own font, the listen button only with a voice.

Debian's Chromium has no Khmer system font, so Khmer text that renders as letters here (and
not as boxes) renders with the Noto Sans Khmer web font the Khmer pages load. Screenshots:
artifacts/screenshots/km-*-360.png.
"""

import pytest
from django.test import Client

from core import roles
from tests.factories.catalog import ProductFactory
from tests.factories.onboarding import complete_application
from tests.factories.producers import CommuneFactory, OfficerFactory, StallFactory, UserFactory

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KHMER_FONT_LOADED = """async () => {
    await document.fonts.ready;
    const faces = [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Noto Sans Khmer');
    return faces.some(f => f.status === 'loaded');
}"""
# Width of a Khmer word in the web font against the width of the "missing glyph" boxes the
# browser draws without it: equal widths would mean boxes.
KHMER_RENDERED = """() => {
    const c = document.createElement('canvas').getContext('2d');
    c.font = '32px "Noto Sans Khmer"';
    const withFont = c.measureText('ភាសាខ្មែរ').width;
    c.font = '32px monospace';
    const fallback = c.measureText('ភាសាខ្មែរ').width;
    return [withFont, fallback];
}"""
# A phone that has a Khmer voice: speechSynthesis answers with one only after "voiceschanged".
FAKE_KHMER_VOICE = """
(() => {
  const voices = [];
  const target = new EventTarget();
  const synth = {
    speaking: false,
    spoken: [],
    getVoices: () => voices,
    speak(u) { this.spoken.push(u.text); },
    cancel() {},
    addEventListener: (...a) => target.addEventListener(...a),
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  setTimeout(() => {
    voices.push({lang: 'km-KH', name: 'Khmer'});
    target.dispatchEvent(new Event('voiceschanged'));
  }, 50);
})();
"""


def _login(screen, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    screen.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": screen.base_url}])


@pytest.fixture
def shop():
    commune = CommuneFactory()
    officer = OfficerFactory(communes=[commune]).user
    household = UserFactory(groups=[roles.FARMER], first_name="Sóc", last_name="Thạch")
    stall = StallFactory(name="Gian hàng Thạch Sóc", commune=commune)
    product = ProductFactory(producer=stall.producer, name="Đường thốt nốt Tri Tôn", price=85000, stock=20, unit="kg")
    application = complete_application(household=household, created_by=household, commune=commune, officer=officer)
    return {"household": household, "product": product, "application": application}


def assert_khmer_glyphs(page):
    assert page.evaluate("document.documentElement.lang") == "km"
    assert page.evaluate(KHMER_FONT_LOADED), "the Noto Sans Khmer web font did not load"
    with_font, fallback = page.evaluate(KHMER_RENDERED)
    assert with_font > 0 and with_font != fallback


def test_registration_and_a_listing_step_in_khmer_with_the_web_font(screen, shop):
    s = screen(MOBILE)
    page = s.goto("/km/dang-ky/")
    assert_khmer_glyphs(page)
    assert "បើកតូបរបស់អ្នកនៅលើ OCOP Market" in page.locator("h1").inner_text()
    assert s.horizontal_overflow() == 0
    # No Khmer voice in this Chromium: the listen button stays hidden.
    assert page.locator("button[data-listen]").is_hidden()
    s.shot("km-register")

    _login(s, shop["household"])
    page = s.goto(f"/km/ho-so/{shop['application'].pk}/quick-product/")
    assert_khmer_glyphs(page)
    assert page.locator("h1 svg.ic").count() == 1  # the step's picture next to its title
    assert page.locator(".save button svg.ic").count() == 2
    assert s.horizontal_overflow() == 0
    s.shot("km-listing-step")
    assert not s.errors, s.errors


def test_cart_and_checkout_in_khmer(screen, shop):
    s = screen(MOBILE)
    page = s.goto(shop["product"].get_absolute_url().replace("/products/", "/km/products/", 1))
    assert_khmer_glyphs(page)
    page.locator("form.add-cart button[type=submit]").click()
    page.wait_for_load_state("load")
    page = s.goto("/km/gio-hang/")
    assert_khmer_glyphs(page)
    assert "Đường thốt nốt Tri Tôn" in page.content()  # the producer's words stay as written
    assert "កន្ត្រករបស់អ្នក" in page.locator("h1").inner_text()
    assert s.horizontal_overflow() == 0
    s.shot("km-cart")
    page = s.goto("/km/thanh-toan/")
    assert_khmer_glyphs(page)
    assert s.horizontal_overflow() == 0
    s.shot("km-checkout")
    assert not s.errors, s.errors


def test_the_vietnamese_pages_do_not_load_the_khmer_font(screen, shop):
    s = screen(MOBILE)
    requested = []
    s.page.on("request", lambda r: requested.append(r.url))
    page = s.goto("/dang-ky/")
    s.page.wait_for_load_state("networkidle")
    whole_font = ("noto-sans-khmer-khmer-", "km.css")
    assert not [url for url in requested if any(part in url for part in whole_font)]
    # Only the glyphs of the Khmer link's "ភាសាខ្មែរ": letters there, not boxes, on any phone.
    assert [url for url in requested if url.endswith("/language-name-400.woff2")]
    loaded = page.evaluate(
        """async () => { await document.fonts.ready;
        return [...document.fonts].some(f =>
            f.family.replace(/"/g, '') === 'Khmer language name' && f.status === 'loaded'); }"""
    )
    assert loaded, "the Khmer link's glyphs did not load"
    s.shot("vi-language-buttons")


def test_the_language_switcher_keeps_khmer_from_page_to_page_without_javascript(screen, shop):
    s = screen(MOBILE, java_script_enabled=False)
    page = s.goto("/dang-ky/")
    page.locator(".langs a[lang=km]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/km/dang-ky/")
    assert page.locator(".langs a[aria-current=true]").inner_text() == "ភាសាខ្មែរ"
    # Every link of a Khmer page stays in Khmer: the next screen the household opens is too.
    page.locator("footer .sellers a").last.click()
    page.wait_for_load_state("load")
    assert "/km/" in page.url
    assert page.locator(".langs a[aria-current=true]").inner_text() == "ភាសាខ្មែរ"
    # Without JavaScript the household flow still works and the listen button never shows.
    assert page.locator("button[data-listen]").is_hidden()


def test_the_listen_button_shows_once_a_khmer_voice_arrives_and_reads_the_instructions(screen, shop):
    s = screen(MOBILE)
    s.context.add_init_script(FAKE_KHMER_VOICE)
    page = s.goto("/km/dang-ky/")
    button = page.locator("button[data-listen]")
    button.wait_for(state="visible")
    button.click()
    spoken = page.evaluate("window.speechSynthesis.spoken")
    assert len(spoken) == 1
    assert "បើកតូបរបស់អ្នកនៅលើ OCOP Market" in spoken[0]  # the heading
    assert "លេខទូរសព្ទ" in spoken[0]  # the fields' labels
    assert button.get_attribute("aria-pressed") == "true"
    s.shot("km-register-listen")
    # Vietnamese page, Khmer voice only: no button.
    page = s.goto("/dang-ky/")
    page.wait_for_timeout(200)
    assert page.locator("button[data-listen]").is_hidden()
