"""Spreadsheet import: every row checked and shown before anything is saved; confirm creates in one go."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core import roles
from onboarding import bulk
from onboarding.models import Application, ApplicationProduct
from tests.factories.catalog import CategoryFactory
from tests.factories.onboarding import ApplicationFactory
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db
HEADINGS = [h for _f, h, _e in bulk.COLUMNS]


def row(**values):
    example = {f: e for f, _h, e in bulk.COLUMNS}
    example.update(values)
    return [example[f] for f, _h, _e in bulk.COLUMNS]


def csv_bytes(rows, headings=HEADINGS, delimiter=","):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


@pytest.fixture
def group(db):
    return CategoryFactory(code="1.3", name="Thực phẩm chế biến")


def test_rows_are_validated_one_by_one(group):
    data = csv_bytes(
        [
            row(name="Mật ong 500 ml"),
            row(name="", price="abc"),
            row(name="Mật ong 500 ml"),
            row(name="Trà", category="9.9", ocop_stars="6", ocop_decision_date="31/02/2024"),
            row(name="Bánh", price="150.000", packaged_food="không", ocop_stars=""),
        ]
    )
    results = bulk.validate_file(data, "ds.csv")
    assert [r.number for r in results] == [2, 3, 4, 5, 6]
    assert [r.ok for r in results] == [True, False, False, False, True]
    assert any("empty" in e or "trống" in e for e in results[1].errors)
    assert any("row 2" in e or "dòng 2" in e for e in results[2].errors)
    assert len(results[3].errors) == 3  # group, stars, date
    assert results[4].data["price"] == 150000 and results[4].data["ocop_stars"] is None
    assert results[0].data["ocop_level"] == "province" and results[0].data["packaged_food"] is True


def test_xlsx_with_numbers_and_dates_as_cells(group):
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    values = row(name="Cà phê rang xay", price=180000, stock=12, ocop_decision_date=datetime.datetime(2024, 3, 15))
    sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    results = bulk.validate_file(buffer.getvalue(), "ds.xlsx")
    assert results[0].ok, results[0].errors
    assert results[0].data["price"] == 180000
    assert results[0].data["ocop_decision_date"] == datetime.date(2024, 3, 15)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "spreadsheet"),
        ("Tên,Giá\nA,1\n".encode(), "headings"),
        (b"PK\x03\x04broken zip", "damaged"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(group, data, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(bulk.SheetError) as exc:
        bulk.validate_file(data, "x.csv")
    assert message in " ".join(exc.value.messages).lower()


def test_semicolon_csv_from_excel_is_read(group):
    results = bulk.validate_file(csv_bytes([row(name="Nước mắm")], delimiter=";"), "ds.csv")
    assert results[0].ok


@pytest.fixture
def draft(officer, commune):
    return ApplicationFactory(commune=commune, officer=officer)


def upload(client, url, data, name="ds.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_preview_saves_nothing_and_confirm_creates_the_valid_rows(client, officer, draft, group):
    client.force_login(officer)
    url = reverse("onboarding:bulk", kwargs={"pk": draft.pk})
    response = upload(client, url, csv_bytes([row(name="Mật ong"), row(name="Trà", price="")]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mật ong" in page and "Trà" in page
    assert ApplicationProduct.objects.count() == 0
    token = response.context["token"]
    assert response.context["n_ok"] == 1 and response.context["n_bad"] == 1

    response = client.post(url, {"action": "confirm", "token": token})
    assert response.status_code == 302
    products = list(draft.products.all())
    assert [(p.name, p.bulk_row, p.price) for p in products] == [("Mật ong", 2, 180000)]
    assert draft.audit.filter(field="products").exists()
    # The stashed file is gone: a second confirm creates nothing more.
    client.post(url, {"action": "confirm", "token": token})
    assert draft.products.count() == 1


def test_confirm_with_a_forged_token_creates_nothing(client, officer, draft, group):
    client.force_login(officer)
    url = reverse("onboarding:bulk", kwargs={"pk": draft.pk})
    upload(client, url, csv_bytes([row(name="Mật ong")]))
    client.post(url, {"action": "confirm", "token": "0" * 32})
    assert draft.products.count() == 0


def test_producer_import_creates_a_draft_add_products_application(client, officer, commune, group):
    farmer = UserFactory(groups=[roles.FARMER])
    stall = StallFactory(commune=commune, province=commune.province, producer__owner=farmer)
    client.force_login(officer)
    url = reverse("onboarding:bulk-producer", kwargs={"producer_pk": stall.producer.pk})
    response = upload(client, url, csv_bytes([row(name="Mật ong"), row(name="Mật ong rừng")]))
    response = client.post(url, {"action": "confirm", "token": response.context["token"]})
    app = Application.objects.get(producer=stall.producer)
    assert app.kind == Application.Kind.ADD_PRODUCTS and app.state == Application.State.DRAFT
    assert app.household == farmer and app.created_by == officer
    assert app.products.count() == 2
    assert response.url == reverse("onboarding:bulk-photos", kwargs={"pk": app.pk})


def test_templates_download_with_vietnamese_headings(client, officer, group):
    client.force_login(officer)
    csv_response = client.get(reverse("onboarding:bulk-template", kwargs={"fmt": "csv"}))
    assert csv_response.status_code == 200
    assert csv_response.content.decode("utf-8-sig").splitlines()[0].startswith("Tên sản phẩm,")
    xlsx = client.get(reverse("onboarding:bulk-template", kwargs={"fmt": "xlsx"}))
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADINGS
    # The template's own example row is never imported; without its mark it would be valid.
    example = bulk.validate_file(xlsx.content, "t.xlsx")[0]
    assert not example.ok and "dòng ví dụ" in example.errors[0]
    unmarked = dict(example.raw, name=example.raw["name"].replace(bulk.EXAMPLE_MARK, ""))
    assert not bulk.validate([(2, unmarked)])[0].ok  # the example as older templates had it
    assert bulk.validate([(2, dict(unmarked, name="Mật ong rừng U Minh"))])[0].ok


def test_farmers_and_other_communes_cannot_import(client, draft, other_officer, household, group):
    url = reverse("onboarding:bulk", kwargs={"pk": draft.pk})
    for user in (draft.household, other_officer, household):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert upload(client, url, csv_bytes([row()])).status_code == 404
        assert client.get(reverse("onboarding:bulk-template", kwargs={"fmt": "csv"})).status_code in (404, 200)
    assert draft.products.count() == 0


def test_uploads_never_confirmed_are_swept_after_a_day(client, officer, draft, group):
    import os
    import time

    from django.core.files.base import ContentFile

    from catalog.models import private_storage

    storage = private_storage()
    old = storage.save("onboarding/bulk/forgotten.csv", ContentFile(b"x"))
    day_ago = time.time() - 2 * 86400
    os.utime(storage.path(old), (day_ago, day_ago))
    client.force_login(officer)
    response = upload(client, reverse("onboarding:bulk", kwargs={"pk": draft.pk}), csv_bytes([row(name="Mật ong")]))
    assert not storage.exists(old)
    assert storage.exists(f"onboarding/bulk/{response.context['token']}.csv")
