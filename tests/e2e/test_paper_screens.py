"""Households without a smartphone, at 360 px: the officer's queue filters, the application
page with its print button and phone-reply form, the dashboard's counts, the printed receipt
(rasterised, its QR code decoded) and the status page it opens on an anonymous phone.
Screenshots: artifacts/screenshots/paper-NN-<name>-360.png."""

from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

from core import roles

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}


def shot(page, n, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"paper-{n:02d}-{name}-360.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"


def test_officer_helps_a_khmer_household_without_smartphone(browser, live_server, settings):
    from onboarding import receipt
    from onboarding.models import Application, AuditEntry
    from producers.models import Producer
    from tests.factories.onboarding import ApplicationPhotoFactory, ApplicationProductFactory, complete_application
    from tests.factories.producers import CommuneFactory, OfficerFactory, StallFactory, UserFactory

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    commune = CommuneFactory(short_name="Tri Tôn", name="Xã Tri Tôn")
    profile = OfficerFactory(communes=[commune], phone="+84987654321")
    officer = profile.user
    officer.last_name, officer.first_name = "Trần Thị", "Bình"
    officer.save()
    household = UserFactory(groups=[roles.FARMER], last_name="Chau", first_name="Sokha")
    app = complete_application(
        household=household,
        commune=commune,
        officer=officer,
        state=Application.State.SUBMITTED,
        stall_name="Gian hàng Chau Sokha",
        representative="Chau Sokha",
        language="km",
        no_smartphone=True,
    )
    first = app.products.get()
    first.name, first.price, first.unit = "Mắm bò hóc Tri Tôn", 150000, "hũ"
    first.save()
    ApplicationPhotoFactory(
        product=ApplicationProductFactory(application=app, name="Thốt nốt sấy", price=85000, unit="túi")
    )
    complete_application(commune=commune, state=Application.State.SUBMITTED, stall_name="Gian hàng Bà Tư")
    StallFactory(
        commune=commune,
        province=commune.province,
        producer__language="km",
        producer__onboarded_via=Producer.Onboarding.BULK,
    )
    comment = app.comments.create(author=officer, text="Giá hũ mắm 150.000 ₫ đúng không?")

    context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "demo12345")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()

    # The queue, filtered to Khmer households without a smartphone.
    page.goto(live_server.url + "/can-bo/ho-so/")
    page.locator("details.filters summary").click()
    page.select_option("#id_language", "km")
    page.check("#id_no_smartphone")
    with page.expect_navigation():
        page.locator("form.filter-form button[type=submit]").click()
    items = page.locator(".onb-item")
    assert items.count() == 1 and "Chau Sokha" in items.first.inner_text()
    assert page.locator(".onb-item .tag.lang").inner_text() == "Tiếng Khmer"
    shot(page, 1, "queue-filters")

    # The application page: the household's language, the print button, the phone reply.
    with page.expect_navigation():
        items.first.locator("a").click()
    assert page.locator("#onb-lang").input_value() == "km"
    assert page.locator("#onb-nophone").is_checked()
    page.locator(".onb-phone summary").click()
    page.check("#onb-pk-answer")
    page.select_option("#onb-pk-comment", str(comment.pk))
    page.fill("#onb-pk-text", "Đúng, 150.000 ₫ một hũ.")
    page.locator(".onb-paper").scroll_into_view_if_needed()
    shot(page, 2, "application-print-button")
    with page.expect_navigation():
        page.locator(".onb-phone button[type=submit]").click()
    entry = AuditEntry.objects.get(application=app, action=AuditEntry.Action.PHONE)
    assert entry.actor == officer and entry.on_behalf
    history = page.locator(".audit").inner_text()
    assert "do Trần Thị Bình ghi thay hộ qua điện thoại" in history
    page.locator(".audit").scroll_into_view_if_needed()
    shot(page, 3, "history-by-phone")

    # The printed receipt, fetched as the browser would, rasterised and its QR code read back.
    href = page.locator("a.onb-print").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.body())
    assert len(document) == 1
    image = document[0].render(scale=200 / 72).to_pil()
    image.save(SCREENSHOTS / "paper-04-receipt-km.png")
    [url] = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert url == receipt.status_url(app) and url.startswith(live_server.url + "/km/")

    # The dashboard's counts.
    page.goto(live_server.url + "/can-bo/bang-dieu-khien/")
    section = page.locator("section[aria-labelledby=hh-h]")
    assert "1 hộ không có điện thoại thông minh." in section.inner_text()
    section.scroll_into_view_if_needed()
    shot(page, 5, "dashboard-counts")
    assert errors == []
    context.close()

    # Anyone's phone, not logged in, opens the QR code's address. This machine's Chromium has no
    # Khmer font: the page is given the receipt's Noto Sans Khmer, as the site's Khmer pages
    # give theirs, so that the screenshot shows whether the Khmer text renders.
    anonymous = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    khmer_font = Path(receipt.khmer_font_path()).read_bytes()
    anonymous.route("**/e2e-khmer.ttf", lambda route: route.fulfill(body=khmer_font, content_type="font/ttf"))
    anonymous.route(
        "**/e2e-khmer.css",
        lambda route: route.fulfill(
            body='@font-face{font-family:"E2E Khmer";src:url("/e2e-khmer.ttf")}'
            'body,h1,h2,p,span,a{font-family:"E2E Khmer",sans-serif!important;line-height:1.75}',
            content_type="text/css",
        ),
    )
    phone = anonymous.new_page()
    assert phone.goto(url).ok
    phone.add_style_tag(url=live_server.url + "/e2e-khmer.css")
    phone.evaluate("document.fonts.ready")
    assert phone.locator("html").get_attribute("lang") == "km"
    body = phone.locator("main").inner_text()
    assert "Chau Sokha" in body  # the stall's name, which is public once listed
    assert "0987 654 321" in body  # the officer to call
    shot(phone, 6, "status-km")
    anonymous.close()
