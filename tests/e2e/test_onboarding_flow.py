"""The whole onboarding path in headless Chromium at 360 px, on the seeded demo.

``officer`` creates a household and its first product with a photo and submits with the
household's consent; ``officer2`` asks for changes; the household (logged in through its
one-time link) answers them and sends again; ``officer2`` approves; the product is then on
/products/. Screenshots: artifacts/screenshots/onboarding-NN-<step>-360.png.
"""

import io

import pytest
from PIL import Image

from .conftest import MOBILE, SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "Mật ong hoa cà phê Ea Tu"


@pytest.fixture
def demo():
    from demo.management.commands.seed_demo import seed

    seed(image_size=100)
    # seed() re-applies the roles, which clears ContentType's cache; the next serialized_rollback
    # test would then create content types while its data is reloaded. Warm the cache again.
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models(include_auto_created=True))


def photo_file(tmp_path):
    path = tmp_path / "mat-ong.jpg"
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (12.0, 40.0, 1.0)}
    image = Image.new("RGB", (640, 480), "#e0a526")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return str(path)


class Phone:
    def __init__(self, browser, base_url):
        self.base = base_url
        self.context = browser.new_context(viewport=MOBILE, locale="vi-VN")
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def go(self, path):
        response = self.page.goto(self.base + path, wait_until="load")
        assert response.ok, f"{path}: {response.status}"

    def login(self, username, password="demo12345"):
        self.go("/dang-nhap/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.locator("main form").last.locator("button[type=submit]").click()
        self.page.wait_for_load_state()

    def click(self, selector):
        self.page.locator(selector).first.click()
        self.page.wait_for_load_state()

    def shot(self, n, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"onboarding-{n:02d}-{name}-360.png"), full_page=True)
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = self.page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
        )
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px: {wide}"


def test_officer_lists_a_household_reviewer_approves_product_is_published(demo, browser, live_server, tmp_path):
    from django.contrib.auth import get_user_model

    from catalog.models import Category, Product
    from onboarding.models import Application

    User = get_user_model()
    officer = User.objects.get(username="officer")
    commune = officer.officer_profile.communes.select_related("province").first()
    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()

    # 1. The officer creates the household's account and its application.
    o = Phone(browser, live_server.url)
    o.login("officer")
    o.go("/can-bo/ho-so/tao/")
    o.page.fill("input[name=full_name]", "Y Liên Niê")
    o.page.fill("input[name=phone]", "0935 111 222")
    o.shot(1, "tao-ho")
    o.click("main form.quick button[type=submit]")
    app = Application.objects.get(household__username="+84935111222")
    step = f"/ho-so/{app.pk}/"
    o.go(f"/can-bo/ho-so/{app.pk}/da-tao/")
    link = o.page.locator(".onb-link input").input_value()
    assert "/dat-mat-khau/" in link
    o.shot(2, "lien-ket")

    o.go(step + "producer/")
    o.page.fill("#id_legal_name", "Hộ Y Liên Niê")
    o.page.fill("#id_representative", "Y Liên Niê")
    o.page.fill("#id_personal_id", "066 1234 56789")
    o.page.check("#id_data_consent")
    o.shot(3, "chu-the")
    o.click("button[name=go][value=next]")
    o.page.fill("#id_stall_name", "Mật ong Ea Tu")
    o.page.fill("#id_story", "Nhà tôi nuôi ong dưới tán cà phê.")
    o.page.fill("#id_phone", "0935 111 222")
    o.shot(4, "gian-hang")
    o.click("button[name=go][value=next]")
    o.page.select_option("#id_province", commune.province_id)
    o.click("form.step-form button[name=go][value=stay]")
    o.page.select_option("#id_commune", commune.pk)
    o.page.fill("#id_street_address", "Buôn Ko Tam")
    o.shot(5, "dia-chi")
    o.click("form.step-form button[name=go][value=next]")
    o.page.fill("#id_name", PRODUCT)
    o.page.select_option("#id_category", str(category.pk))
    o.page.fill("#id_unit", "chai")
    o.page.fill("#id_price", "180.000")
    o.page.fill("#id_stock", "20")
    o.shot(6, "san-pham")
    o.click("button[name=go][value=photos]")
    o.page.set_input_files("#id_photos", photo_file(tmp_path))
    o.shot(7, "anh")
    o.click("button[name=go][value=next]")
    assert app.products.get().photos.count() == 1
    o.shot(8, "giay-to")
    o.click("button[name=go][value=next]")
    o.page.select_option("#id_bank_bin", "970405")
    o.page.fill("#id_account_number", "5100 2050 12345")
    o.page.fill("#id_account_holder", "Y LIEN NIE")
    o.shot(9, "thanh-toan")
    o.click("button[name=go][value=next]")
    o.page.check("#id_consent")
    o.shot(10, "xem-lai")
    o.click("form[action$='/gui/'] button[type=submit]")
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED and app.consent_confirmed_by == officer
    o.shot(11, "da-gui")

    # 2. A second officer starts the review and asks for changes.
    r = Phone(browser, live_server.url)
    r.login("officer2")
    r.go(step)
    r.click("form[action$='/bat-dau-xem-xet/'] button")
    r.page.fill("form[action$='/yeu-cau-sua/'] textarea[name=comment]", "Kể thêm về mùa hoa và cách lấy mật.")
    r.shot(12, "yeu-cau-sua")
    r.click("form[action$='/yeu-cau-sua/'] button[type=submit]")
    app.refresh_from_db()
    assert app.state == Application.State.CHANGES_REQUESTED

    # 3. The household sets its password with the one-time link and answers.
    h = Phone(browser, live_server.url)
    h.page.goto(link if link.startswith("http") else live_server.url + link)
    h.page.fill("#id_password1", "ong-ea-tu-2025")
    h.page.fill("#id_password2", "ong-ea-tu-2025")
    h.shot(13, "dat-mat-khau")
    h.click("main form button[type=submit]")
    assert "Kể thêm về mùa hoa" in h.page.content()
    h.shot(14, "ho-so-cua-toi")
    h.go(step + "stall/")
    h.page.fill("#id_story", "Nhà tôi nuôi ong dưới tán cà phê; mùa hoa tháng Ba, mật quay bằng tay.")
    h.shot(15, "tra-loi")
    h.click("button[name=go][value=next]")
    h.go(step + "review/")
    h.click("form[action$='/gui/'] button[type=submit]")
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED
    h.shot(16, "gui-lai")

    # 4. The second officer approves: published in the same step.
    r.go(step)
    r.click("form[action$='/bat-dau-xem-xet/'] button")
    r.shot(17, "duyet")
    r.click("form[action$='/duyet/'] button[type=submit]")
    app.refresh_from_db()
    assert app.state == Application.State.PUBLISHED
    r.shot(18, "da-dang")

    # 5. The product is on the storefront.
    assert Product.objects.published().filter(name=PRODUCT).exists()
    buyer = Phone(browser, live_server.url)
    buyer.go("/products/?q=mat+ong+hoa+ca+phe+ea+tu")
    assert PRODUCT in buyer.page.content()
    buyer.shot(19, "cua-hang")

    for phone in (o, r, h, buyer):
        assert phone.errors == []
    # Nothing may still be loading when the live server's database is flushed for the next test.
    for phone in (o, r, h, buyer):
        phone.page.wait_for_load_state("networkidle")
        phone.page.goto("about:blank")
        phone.context.close()
