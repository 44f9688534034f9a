"""Onboarding in one visit, on a phone (360 × 740, touch), on the seeded demo.

(a) An officer lists a new household with its first product and a camera photo in at most
5 screens from the queue (their start page) to "submitted", within 25 taps and 150 typed
characters besides the household's and product's names; a second officer approves it; a
buyer finds the product typed without diacritics, sees its price and photo, and puts it in
the cart. (b) A household registers and sends its application in at most 7 screens.
Every screen is saved to artifacts/screenshots/quick-*-360.png; the counts are printed.
"""

import pytest

from .journey import Journey
from .test_onboarding_flow import demo, photo_file  # noqa: F401  (the fixture and the camera's photo)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "Mật ong hoa cà phê Ea Tu"
SUBMIT = "form[action$='/gui/'] button[type=submit]"


def login(journey, username, password="demo12345"):
    journey.open("/dang-nhap/")
    journey.page.fill("#id_username", username)
    journey.page.fill("#id_password", password)
    journey.page.locator("main form").last.locator("button[type=submit]").click()
    journey.page.wait_for_load_state()
    # What counts starts after the login, on the officer's start page.
    journey.screens.clear()


def test_officer_quick_listing_then_four_eyes_then_on_sale(demo, browser, live_server, tmp_path):  # noqa: F811
    from django.contrib.auth import get_user_model

    from catalog.models import Category, Product
    from onboarding.models import Application, DataConsent

    officer = get_user_model().objects.get(username="officer")
    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()

    o = Journey(browser, live_server.url, "quick-officer")
    login(o, "officer")
    o.open("/can-bo/ho-so/")  # the start page after login
    o.shot(1, "hang-doi")
    o.first_field_visible("main a.btn[href$='/can-bo/ho-so/tao/']")
    o.tap("a.btn[href$='/can-bo/ho-so/tao/']")

    # Screen 2: the household, its stall, ID number and bank account.
    o.first_field_visible()
    assert o.page.locator("#id_commune").input_value() != ""  # the officer's commune, prefilled
    o.type("#id_full_name", "Y Liên Niê", name=True)
    o.type("#id_phone", "0935 111 222")
    o.type("#id_stall_name", "Mật ong Ea Tu", name=True)
    o.type("#id_story", "Nhà tôi nuôi ong dưới tán cà phê.")
    o.type("#id_street_address", "Buôn Ko Tam")
    o.type("#id_personal_id", "066 1234 56789")
    o.choose("#id_bank_bin", "970405")
    o.type("#id_account_number", "5100 2050 12345")
    assert "13/2023" in o.page.locator(".privacy").inner_text()
    o.tap("#id_data_consent", navigates=False)
    o.shot(2, "ho-va-gian-hang")
    o.tap("main form.quick button[type=submit]")
    app = Application.objects.get(household__username="+84935111222")

    # Screen 3: the product, its quantity and a photo from the camera.
    o.first_field_visible()
    photo_input = o.page.locator("#id_photo")
    assert photo_input.get_attribute("accept") == "image/*" and photo_input.get_attribute("capture") is not None
    o.type("#id_name", PRODUCT, name=True)
    o.choose("#id_category", str(category.pk))
    o.type("#id_price", "180.000")
    o.type("#id_unit", "chai")
    o.type("#id_stock", "20")
    o.photo("#id_photo", photo_file(tmp_path))
    o.shot(3, "san-pham")
    o.tap("button[name=go][value=review]")

    # Screen 4: review, the household's consent, send.
    assert "20 chai" in o.page.inner_text("main")
    o.first_field_visible()
    o.tap("#id_consent", navigates=False)
    o.shot(4, "xem-lai")
    o.tap(SUBMIT)

    # Screen 5: sent.
    o.shot(5, "da-gui")
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED and app.consent_confirmed_by == officer
    consent = DataConsent.objects.get(application=app)
    assert consent.recorded_by == officer and consent.household == app.household and "13/2023" in consent.notice_text
    product = app.products.get()
    assert product.stock == 20 and product.price == 180000 and product.photos.count() == 1
    print("\n" + o.report(), *o.screens, sep="\n  ")  # noqa: T201  (the counts the issue asks to report)
    assert len(o.screens) <= 5, o.screens
    assert o.taps <= 25 and o.chars <= 150

    # The four eyes: officer cannot approve their own listing; officer2 does.
    r = Journey(browser, live_server.url, "quick-reviewer")
    login(r, "officer2")
    r.open(f"/ho-so/{app.pk}/")
    r.tap("form[action$='/bat-dau-xem-xet/'] button")
    r.shot(1, "xem-xet")
    r.tap("form[action$='/duyet/'] button[type=submit]")
    r.shot(2, "da-duyet")
    app.refresh_from_db()
    assert app.state == Application.State.PUBLISHED
    assert Product.objects.published().get(name=PRODUCT).stock == 20

    # A buyer finds it without diacritics, sees its price and photo, and puts it in the cart.
    b = Journey(browser, live_server.url, "quick-buyer")
    b.open("/products/?q=mat+ong+hoa+ca+phe+ea+tu")
    b.shot(1, "tim")
    b.tap(f"main a:has-text('{PRODUCT}')")
    text = b.page.inner_text("main")
    assert PRODUCT in text and "180.000" in text
    assert b.page.locator("main img").first.evaluate("img => img.complete && img.naturalWidth > 0")
    b.shot(2, "trang-san-pham")
    b.tap("form.add-cart button[type=submit]")
    b.open("/gio-hang/")
    assert PRODUCT in b.page.inner_text("main")
    b.shot(3, "gio-hang")

    for j in (o, r, b):
        assert j.errors == []
        j.close()


def test_household_registers_and_sends_in_seven_screens(demo, browser, live_server, tmp_path):  # noqa: F811
    from catalog.models import Category
    from onboarding.models import Application, DataConsent
    from producers.models import Commune

    commune = Commune.objects.select_related("province").order_by("pk").first()
    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()

    h = Journey(browser, live_server.url, "quick-household")
    h.open("/dang-ky/")
    h.first_field_visible()
    h.type("#id_full_name", "Lò Thị Mai", name=True)
    h.type("#id_phone", "0935 222 333")
    h.type("#id_password1", "che-shan-2025")
    h.type("#id_password2", "che-shan-2025")
    h.choose("#id_province", commune.province_id)
    h.shot(1, "dang-ky")
    h.tap("main form:not([action$='/dang-xuat/']) button[type=submit]")

    h.first_field_visible()
    # Nothing is red before the household has typed anything.
    assert h.page.locator(".fld.bad").count() == 0
    h.type("#id_stall_name", "Chè Mai", name=True)
    h.type("#id_story", "Nhà tôi trồng chè.")
    h.choose("#id_commune", commune.pk)
    h.type("#id_street_address", "Bản Mường")
    h.type("#id_personal_id", "066 1234 56789")
    h.choose("#id_bank_bin", "970405")
    h.type("#id_account_number", "5100 2050 12345")
    h.tap("#id_data_consent", navigates=False)
    h.shot(2, "gian-hang")
    h.tap("main form.quick button[type=submit]")

    h.first_field_visible()
    assert h.page.locator(".fld.bad").count() == 0
    h.type("#id_name", "Chè Shan tuyết", name=True)
    h.choose("#id_category", str(category.pk))
    h.type("#id_price", "180.000")
    h.type("#id_unit", "hộp")
    h.type("#id_stock", "15")
    h.photo("#id_photo", photo_file(tmp_path))
    h.shot(3, "san-pham")
    h.tap("button[name=go][value=review]")

    h.shot(4, "xem-lai")
    h.tap(SUBMIT)
    h.shot(5, "da-gui")
    app = Application.objects.get(household__username="+84935222333")
    assert app.state == Application.State.SUBMITTED
    consent = DataConsent.objects.get(application=app)
    assert consent.recorded_by == app.household and consent.on_behalf is False
    print("\n" + h.report(), *h.screens, sep="\n  ")  # noqa: T201  (the counts the issue asks to report)
    assert len(h.screens) <= 7, h.screens
    assert h.errors == []
    h.close()
