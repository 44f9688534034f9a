"""Fifty products from a spreadsheet, then their fifty photos, from a phone (360 × 740).

A screen is one full page load (a POST that redirects counts once). Attaching the photos
after the import used to take 99 screens (one upload page per product, each going on to the
documents step). Now the photos are chosen with the import's confirmation (3 screens from
the import page to 50 products with their photos), or on the photo page the import lands on
(2 screens for the photos). Taps and screens are written to artifacts/bulk-photos-journey-*.json;
screenshots: artifacts/screenshots/bulk-photos-NN-<when>-<name>-360.png.
"""

import csv
import io
import json

import pytest
from PIL import Image

from core.text import vi_slugify

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}
BASES = ["Mật ong hoa cà phê", "Đường thốt nốt", "Trà Shan tuyết", "Nước mắm cá cơm", "Bánh pía sầu riêng"]
SIZES = ["250 g", "500 g", "1 kg", "hộp 6 lọ", "túi 2 kg", "chai 330 ml", "lọ 100 g", "gói 200 g", "thùng 12", "bó 3"]


def spreadsheet(names):
    from onboarding import bulk

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([h for _f, h, _e in bulk.COLUMNS])
    for name in names:
        values = {f: e for f, _h, e in bulk.COLUMNS}
        values.update(name=name, category="1.3", ocop_stars="", packaged_food="không", price="120.000")
        writer.writerow([values[f] for f, _h, _e in bulk.COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def photo(path, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (96, 72), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


class Journey:
    """One phone; counts screens (main-frame navigations) and taps."""

    def __init__(self, browser, base_url):
        self.base = base_url
        self.context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
        from .test_review_screens import serve_media

        serve_media(self.context)
        self.page = self.context.new_page()
        self.screens = []
        self.taps = 0
        self.errors = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("framenavigated", lambda frame: frame == self.page.main_frame and self.screens.append(frame.url))

    def go(self, path):
        response = self.page.goto(self.base + path, wait_until="load")
        assert response.ok, f"{path}: {response.status}"

    def tap(self, selector):
        self.taps += 1
        with self.page.expect_navigation(wait_until="load", timeout=120_000):
            self.page.locator(selector).first.tap()

    def choose_files(self, selector, files):
        self.taps += 2  # open the picker, select the files
        self.page.set_input_files(selector, files)

    def shot(self, n, name, full=False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"bulk-photos-{n:02d}-{name}-360.png"), full_page=full)
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("when", ["with-import", "after-import"])
def test_officer_imports_50_products_and_attaches_50_photos_in_3_screens(
    browser, live_server, tmp_path, record_property, when
):
    from catalog.models import Category
    from onboarding.models import Application, ApplicationPhoto
    from tests.factories.onboarding import ApplicationFactory
    from tests.factories.producers import CommuneFactory, OfficerFactory

    commune = CommuneFactory()
    officer = OfficerFactory(communes=[commune]).user
    top = Category.objects.create(name="Thực phẩm", code="1")
    Category.objects.create(name="Thực phẩm chế biến", code="1.3", parent=top)
    app = ApplicationFactory(commune=commune, officer=officer, created_by=officer)
    names = [f"{base} {size}" for size in SIZES for base in BASES]
    assert len(names) == 50
    sheet = tmp_path / "san-pham.csv"
    sheet.write_bytes(spreadsheet(names))
    files = []
    for i, name in enumerate(names):
        # Half named after the product (no accents, as a phone or a computer saves them),
        # half after their spreadsheet row.
        stem = vi_slugify(name) if i % 2 == 0 else f"dong-{i + 2}"
        files.append(photo(tmp_path / f"{stem}.jpg", (i * 5 % 256, 120, 90)))

    j = Journey(browser, live_server.url)
    j.go("/dang-nhap/")
    j.page.fill("#id_username", officer.username)
    j.page.fill("#id_password", "demo12345")
    j.tap("main form button[type=submit] >> nth=-1")

    start, taps_start = len(j.screens), j.taps
    j.go(f"/can-bo/ho-so/{app.pk}/nhap-bang-tinh/")  # screen 1
    j.choose_files("#id_file", str(sheet))
    j.shot(1, f"{when}-nhap")
    j.tap("main form.step-form button[type=submit]")  # screen 2: every row checked
    if when == "with-import":
        j.choose_files("form.confirm #id_photos", files)
        j.shot(2, f"{when}-kiem-tra")
        j.tap("main form.confirm button[type=submit]")  # screen 3: products and photos saved
        photos_start = len(j.screens) - 1
        photo_taps = 3
    else:
        j.shot(2, f"{when}-kiem-tra")
        j.tap("main form.confirm button[type=submit]")  # screen 3: the photo page
        photos_start, taps_before = len(j.screens) - 1, j.taps
        j.shot(3, f"{when}-anh-trong")
        j.choose_files("#id_photos", files)
        j.tap("main form.bulk-photos button[type=submit]")  # screen 4
        photo_taps = j.taps - taps_before
    j.shot(4, f"{when}-anh-xong", full=True)
    total_screens = len(j.screens) - start
    photo_screens = len(j.screens) - photos_start

    counts = {p.name: p.photos.count() for p in Application.objects.get(pk=app.pk).products.all()}
    assert counts == {name: 1 for name in names}
    assert ApplicationPhoto.objects.count() == 50
    assert "Mọi sản phẩm đã có ảnh" in j.page.content()
    assert photo_screens <= 3
    if when == "with-import":
        assert total_screens <= 3  # spreadsheet and photos together
    report = {
        "total_screens_from_import_page": total_screens,
        "photo_screens": photo_screens,
        "photo_taps": photo_taps,
        "total_taps": j.taps - taps_start,
        "before_photo_screens": 99,
    }
    record_property("bulk_photos", report)
    (SCREENSHOTS.parent / f"bulk-photos-journey-{when}.json").write_text(json.dumps(report))
    assert j.errors == []
    j.page.goto("about:blank")
    j.context.close()
