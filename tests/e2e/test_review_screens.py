"""The approver's page at 360 px: what is approved, the quantity-0 confirmation, and the
set-password link's sharing buttons. Screenshots: artifacts/screenshots/review-NN-<name>-360.png."""

import re

import pytest

from core import roles

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}


def shot(page, n, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"review-{n:02d}-{name}-360.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"


def serve_media(context):
    """The live server serves no media (DEBUG is off): hand the stored files to the browser."""
    from pathlib import Path

    from django.conf import settings

    def fulfil(route):
        name = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?", 1)[0]
        path = Path(settings.MEDIA_ROOT) / name
        if path.is_file():
            route.fulfill(body=path.read_bytes(), content_type="image/webp" if name.endswith(".webp") else None)
        else:
            route.fulfill(status=404)

    context.route(f"**{settings.MEDIA_URL}**", fulfil)


def login(browser, base, user):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
    serve_media(context)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "demo12345")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    return context, page, errors


def test_the_approver_sees_the_products_and_confirms_quantity_0(browser, live_server):
    from onboarding import services
    from onboarding.models import Application
    from tests.factories.onboarding import (
        ApplicationFactory,
        ApplicationPhotoFactory,
        ApplicationProductFactory,
        OcopProductFactory,
    )
    from tests.factories.producers import CommuneFactory, OfficerFactory, UserFactory

    commune = CommuneFactory()
    officer = OfficerFactory(communes=[commune]).user
    household = UserFactory(groups=[roles.FARMER], first_name="Hoa", last_name="Nguyễn Thị")
    app = ApplicationFactory(household=household, created_by=household, commune=commune)
    ApplicationPhotoFactory(product=OcopProductFactory(application=app, name="Mật ong hoa cà phê 500 ml"))
    ApplicationPhotoFactory(product=ApplicationProductFactory(application=app, name="Trà Shan tuyết", stock=0))
    services.submit(app, household)
    services.start_review(app, officer)

    context, page, errors = login(browser, live_server.url, officer)
    page.goto(f"{live_server.url}/ho-so/{app.pk}/")
    assert "Nội dung bạn duyệt" in page.content() and "•••• 7890" in page.content()
    shot(page, 1, "duyet")
    # The browser itself asks for the tick (required); the server refuses without it too.
    page.locator("#onb-zero").check()
    with page.expect_navigation():
        page.locator("form[action$='/duyet/'] button[type=submit]").click()
    assert Application.objects.get(pk=app.pk).state == Application.State.PUBLISHED
    shot(page, 2, "da-duyet")

    page.goto(live_server.url + "/can-bo/ho-so/tao/")
    page.fill("input[name=full_name]", "Nguyễn Thị Lan")
    page.fill("input[name=phone]", "0964 933 369")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    open_password_link_page(page)
    assert page.locator("button[data-copy]").is_visible()  # the script showed the copy button
    assert "0964 933 369" in page.content()
    shot(page, 3, "lien-ket")
    assert errors == []
    page.goto("about:blank")
    context.close()


def test_the_link_page_works_without_javascript(browser, live_server):
    from tests.factories.producers import CommuneFactory, OfficerFactory

    officer = OfficerFactory(communes=[CommuneFactory()]).user
    context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/dang-nhap/?next=/can-bo/ho-so/tao/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "demo12345")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.url.endswith("/can-bo/ho-so/tao/")
    page.fill("input[name=full_name]", "Nguyễn Thị Lan")
    page.fill("input[name=phone]", "+84 964 933 369")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    open_password_link_page(page)
    assert not page.locator("button[data-copy]").is_visible()  # no dead button without the script
    assert page.locator("a[href^='sms:']").is_visible() and page.locator("a[href^='https://zalo.me/']").is_visible()
    shot(page, 4, "lien-ket-khong-js")
    page.goto("about:blank")
    context.close()


def open_password_link_page(page):
    """The quick listing goes on to the product; the household's link waits on its own page."""
    pk = re.search(r"/ho-so/(\d+)/", page.url).group(1)
    page.goto(page.url.split("/ho-so/")[0] + f"/can-bo/ho-so/{pk}/da-tao/")
