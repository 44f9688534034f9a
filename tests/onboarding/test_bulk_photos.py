"""Photos for many products on one page: files matched to products by their names, or placed per product."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from onboarding import bulk
from onboarding.models import ApplicationPhoto
from tests.factories.catalog import ImageFactory
from tests.factories.onboarding import ApplicationFactory, ApplicationProductFactory

pytestmark = pytest.mark.django_db


def jpeg(name):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#e0a526").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def draft(officer, commune):
    app = ApplicationFactory(commune=commune, officer=officer, created_by=officer)
    ApplicationProductFactory(application=app, name="Mật ong hoa cà phê 500 ml", bulk_row=2)
    ApplicationProductFactory(application=app, name="Đường thốt nốt", bulk_row=3)
    ApplicationProductFactory(application=app, name="Trà Shan tuyết", bulk_row=4)
    return app


@pytest.mark.parametrize(
    "filename, expected",
    [
        ("mat-ong-hoa-ca-phe-500-ml.jpg", "Mật ong hoa cà phê 500 ml"),
        ("MAT_ONG_HOA_CA_PHE_500_ML (2).JPG", "Mật ong hoa cà phê 500 ml"),
        ("Mật ong hoa cà phê 500 ml-3.jpeg", "Mật ong hoa cà phê 500 ml"),
        ("matonghoacaphe500ml.png", "Mật ong hoa cà phê 500 ml"),
        ("duong-thot-not.jpg", "Đường thốt nốt"),
        ("duong thot not mat truoc.jpg", "Đường thốt nốt"),
        ("dong-4.jpg", "Trà Shan tuyết"),
        ("3.jpg", "Đường thốt nốt"),
        ("IMG_2024.jpg", None),
        ("tra.jpg", None),
    ],
)
def test_file_names_match_products_without_diacritics_or_by_row(draft, filename, expected):
    product = bulk.match_photo(filename, list(draft.products.all()))
    assert (product.name if product else None) == expected


def test_a_name_that_fits_two_products_matches_neither(draft):
    ApplicationProductFactory(application=draft, name="Duong thot not", bulk_row=9)
    assert bulk.match_photo("duong-thot-not.jpg", list(draft.products.all())) is None


def test_one_post_places_every_photo_and_reports_the_rest(client, officer, draft):
    client.force_login(officer)
    url = reverse("onboarding:bulk-photos", kwargs={"pk": draft.pk})
    tra = draft.products.get(name="Trà Shan tuyết")
    response = client.post(
        url,
        {
            "photos": [
                jpeg("mat-ong-hoa-ca-phe-500-ml.jpg"),
                jpeg("duong-thot-not.jpg"),
                jpeg("khong-ro.jpg"),
                SimpleUploadedFile("duong-thot-not-2.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"),
            ],
            f"p-{tra.pk}": [jpeg("IMG_0001.jpg")],
        },
    )
    assert response.status_code == 302 and response.url == url
    counts = {p.name: p.photos.count() for p in draft.products.all()}
    assert counts == {"Mật ong hoa cà phê 500 ml": 1, "Đường thốt nốt": 1, "Trà Shan tuyết": 1}
    page = client.get(url)
    text = page.content.decode()
    assert "khong-ro.jpg" in text  # the unmatched file is named
    assert "duong-thot-not-2.jpg" in text  # the file that is not a photo is refused by name
    assert "3 ảnh" in text or "3 photos" in text
    assert draft.audit.filter(field="photos").count() == 1


def test_the_page_lists_every_product_in_few_queries(client, officer, draft, django_assert_max_num_queries):
    for p in draft.products.all():
        for _n in range(2):
            image = ImageFactory()
            image.get_rendition("fill-120x120|format-webp|webpquality-70")  # made at upload time
            ApplicationPhoto.objects.create(product=p, image=image)
    client.force_login(officer)
    url = reverse("onboarding:bulk-photos", kwargs={"pk": draft.pk})
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('type="file"') == 1 + 3


def test_households_and_other_communes_cannot_attach(client, draft, other_officer, household):
    url = reverse("onboarding:bulk-photos", kwargs={"pk": draft.pk})
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"photos": [jpeg("duong-thot-not.jpg")]}).status_code == 404
    client.force_login(draft.household)
    assert client.post(url, {"photos": [jpeg("duong-thot-not.jpg")]}).status_code == 404
    assert ApplicationPhoto.objects.count() == 0


def test_a_submitted_application_takes_no_photos(client, officer, draft):
    draft.state = draft.State.SUBMITTED
    draft.save()
    client.force_login(officer)
    url = reverse("onboarding:bulk-photos", kwargs={"pk": draft.pk})
    response = client.post(url, {"photos": [jpeg("duong-thot-not.jpg")]})
    assert response.status_code == 302 and ApplicationPhoto.objects.count() == 0


def test_photos_chosen_with_the_import_confirmation_are_placed_at_once(client, officer, commune):
    import csv

    from tests.factories.catalog import CategoryFactory

    CategoryFactory(code="9.1", name="Nhóm chín")
    app = ApplicationFactory(commune=commune, officer=officer, created_by=officer)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([h for _f, h, _e in bulk.COLUMNS])
    for name in ("Cà phê Robusta", "Hạt điều rang"):
        values = {f: e for f, _h, e in bulk.COLUMNS}
        values.update(name=name, category="9.1", ocop_stars="")
        writer.writerow([values[f] for f, _h, _e in bulk.COLUMNS])
    client.force_login(officer)
    url = reverse("onboarding:bulk", kwargs={"pk": app.pk})
    sheet = SimpleUploadedFile("ds.csv", buffer.getvalue().encode("utf-8"))
    token = client.post(url, {"file": sheet}).context["token"]
    response = client.post(
        url, {"action": "confirm", "token": token, "photos": [jpeg("ca-phe-robusta.jpg"), jpeg("3.jpg")]}
    )
    assert response.url == reverse("onboarding:bulk-photos", kwargs={"pk": app.pk})
    assert {p.name: p.photos.count() for p in app.products.all()} == {"Cà phê Robusta": 1, "Hạt điều rang": 1}
