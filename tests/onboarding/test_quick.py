"""The short path: the household and its stall on one screen, the product with its photo and
documents on the next, then review; the privacy notice and its recorded consent; writes through
the services."""

import pytest
from django.urls import reverse

from onboarding.checklist import missing
from onboarding.models import Application, AuditEntry, DataConsent
from tests.factories.catalog import CategoryFactory
from tests.factories.producers import OfficerFactory

from .test_wizard import empty_app, jpeg_upload  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def step_url(app, step):
    return reverse("onboarding:step", args=[app.pk, step])


@pytest.fixture
def quick_officer(commune):
    return OfficerFactory(communes=[commune]).user


def officer_post(client, commune, **extra):
    data = {
        "full_name": "Y Liên Niê",
        "phone": "0935 111 222",
        "commune": commune.pk,
        "stall_name": "Mật ong Ea Tu",
        "story": "Nhà tôi nuôi ong dưới tán cà phê.",
        "street_address": "Buôn Ko Tam",
        "personal_id": "066 1234 56789",
        "bank_bin": "970405",
        "account_number": "5100 2050 12345",
        "data_consent": "on",
    }
    data.update(extra)
    return client.post(reverse("onboarding:assisted-new"), data)


def test_officer_quick_listing_reaches_a_complete_application(client, quick_officer, commune):
    client.force_login(quick_officer)
    response = client.get(reverse("onboarding:assisted-new"))
    assert response.context["form"]["commune"].value() == str(commune.pk)  # their only commune, prefilled
    response = officer_post(client, commune)
    app = Application.objects.get(household__username="+84935111222")
    assert response.status_code == 302 and response.url == step_url(app, "quick-product")
    assert app.legal_name == "Y Liên Niê" and app.account_holder == "Y LIEN NIE"
    assert app.commune == commune and app.province_id == commune.province_id
    consent = DataConsent.objects.get(application=app)
    assert consent.recorded_by == quick_officer and consent.household == app.household and consent.on_behalf
    assert AuditEntry.objects.filter(application=app, action=AuditEntry.Action.CONSENT).exists()

    category = CategoryFactory()
    response = client.post(
        step_url(app, "quick-product"),
        {
            "name": "Mật ong hoa cà phê",
            "category": category.pk,
            "price": "180.000",
            "unit": "chai",
            "stock": "20",
            "photo": jpeg_upload(),
            "go": "review",
        },
    )
    assert response.status_code == 302 and response.url == step_url(app, "review")
    product = app.products.get()
    assert (product.price, product.stock, product.photos.count()) == (180000, 20, 1)
    assert [i.message for i in missing(app)] == []
    response = client.get(step_url(app, "review"))
    assert "20 chai" in response.content.decode()


def test_id_and_account_need_the_households_consent(client, quick_officer, commune):
    client.force_login(quick_officer)
    response = officer_post(client, commune, data_consent="")
    assert response.status_code == 200
    assert "data_consent" in response.context["form"].errors or response.context["consent_field"].errors
    assert not Application.objects.filter(household__username="+84935111222").exists()
    assert "13/2023" in response.content.decode()


def test_quick_product_asks_the_quantity_and_the_photo(client, household, empty_app):  # noqa: F811
    category = CategoryFactory()
    client.force_login(household)
    response = client.post(
        step_url(empty_app, "quick-product"),
        {"name": "Chè", "category": category.pk, "price": "90000", "unit": "hộp", "stock": "", "go": "review"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "stock" in errors and "photo" in errors
    assert not empty_app.products.exists()


def test_fields_are_not_red_before_anything_is_typed(client, household, empty_app):  # noqa: F811
    client.force_login(household)
    for step in ("quick", "quick-product", "producer", "stall", "payment", "products"):
        body = client.get(step_url(empty_app, step)).content.decode()
        assert "fld bad" not in body, step


def test_registration_lands_in_the_first_step(client, commune):
    province = commune.province
    response = client.post(
        reverse("onboarding:register"),
        {
            "full_name": "Lò Thị Mai",
            "phone": "0935 222 333",
            "password1": "che-shan-2025",
            "password2": "che-shan-2025",
            "province": province.pk,
        },
    )
    app = Application.objects.get(household__username="+84935222333")
    assert response.url == step_url(app, "quick") and app.province == province
    page = client.get(response.url)
    assert page.status_code == 200 and "Chọn xã" in page.content.decode()


def test_a_household_cannot_open_anothers_quick_steps(client, other_household, empty_app):  # noqa: F811
    client.force_login(other_household)
    assert client.get(step_url(empty_app, "quick")).status_code == 404
    assert client.post(step_url(empty_app, "quick-product"), {"name": "x"}).status_code == 404


ENGLISH = (
    "Your stall",
    "Your product",
    "step 1 of 3",
    "step 2 of 3",
    "Photo of the product",
    "Your personal data",
    "Your personal ID number",
    "I agree that my data",
    "The household has read this notice",
    "Save and review",
    "Save, then",
    "OCOP stars: the recognition",
    "Packaged food: the food-safety",
    "Create the account, then",
    "Left empty",
    "How many can you sell",
    "The number of units",
    "available",
)


def test_quick_screens_speak_vietnamese(client, household, empty_app, quick_officer):  # noqa: F811
    client.force_login(household)
    pages = [client.get(step_url(empty_app, s)) for s in ("quick", "quick-product", "review")]
    pages.append(client.post(step_url(empty_app, "quick-product"), {"name": "Chè", "stock": ""}))
    client.force_login(quick_officer)
    pages.append(client.get(reverse("onboarding:assisted-new")))
    for page in pages:
        body = page.content.decode()
        assert 'lang="vi"' in body
        assert [e for e in ENGLISH if e in body] == [], page.request["PATH_INFO"]


def test_removing_a_photo_of_an_edit_keeps_the_photo_on_sale(client, household):
    """The edit copy shares the published product's images: removing it from the application
    (through the service) must not delete the image the storefront still shows."""
    from onboarding import services
    from tests.factories.catalog import ProductFactory, ProductImageFactory
    from tests.factories.producers import StallFactory

    stall = StallFactory(producer__owner=household)
    product = ProductFactory(producer=stall.producer)
    shown = ProductImageFactory(product=product).image
    app = services.create_application(
        household=household,
        actor=household,
        kind=Application.Kind.EDIT_PRODUCT,
        producer=stall.producer,
        product=product,
    )
    copy = app.products.get()
    client.force_login(household)
    photo = copy.photos.get()
    response = client.post(
        step_url(app, "photos") + f"?p={copy.pk}", {"p": copy.pk, "action": "delete", "photo": photo.pk}
    )
    assert response.status_code == 302 and not copy.photos.exists()
    assert product.images.get().image_id == shown.pk  # still there, file and all
    assert AuditEntry.objects.filter(application=app, field="photos").exists()


def test_consent_is_recorded_once_per_notice_version(client, household, empty_app):  # noqa: F811
    from onboarding.privacy import NOTICE_VERSION

    client.force_login(household)
    for number in ("5100205012345", "5100205099999"):
        response = client.post(
            step_url(empty_app, "payment"),
            {"bank_bin": "970405", "account_number": number, "data_consent": "on", "go": "stay"},
        )
        assert response.status_code == 302
    consent = DataConsent.objects.get(application=empty_app)
    assert (consent.notice_version, consent.recorded_by, consent.on_behalf) == (NOTICE_VERSION, household, False)
    assert "Nghị định 13/2023" in consent.notice_text  # the text shown, in the language shown
    # Once given, the box is not asked again; the notice stays where the account is asked.
    page = client.get(step_url(empty_app, "payment")).content.decode()
    assert 'name="data_consent"' not in page and "13/2023" in page


def test_a_household_only_starts_one_stall_application(client, household, empty_app):  # noqa: F811
    client.force_login(household)
    response = client.post(reverse("onboarding:new"))
    assert response.url == reverse("onboarding:detail", args=[empty_app.pk])
    assert Application.objects.filter(household=household).count() == 1


def test_ocop_and_food_safety_documents_on_the_product_screen(client, household, empty_app):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    category = CategoryFactory()
    client.force_login(household)
    base = {"name": "Mật ong", "category": category.pk, "price": "180000", "unit": "chai", "stock": "5"}
    # Claiming OCOP stars or packaged food makes their documents required before sending.
    client.post(
        step_url(empty_app, "quick-product"),
        {**base, "photo": jpeg_upload(), "ocop_claimed": "on", "packaged_food": "on", "go": "review"},
    )
    product = empty_app.products.get()
    todo = {i.key.rsplit(":", 1)[-1] for i in missing(empty_app) if i.key.startswith("product:")}
    assert {"ocop_stars", "ocop_decision_number", "ocop_scan", "food_safety"} <= todo
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n"
    response = client.post(
        step_url(empty_app, "quick-product") + f"?p={product.pk}",
        {
            **base,
            "ocop_claimed": "on",
            "ocop_stars": "4",
            "ocop_decision_number": "123/QĐ-UBND",
            "ocop_decision_date": "2024-03-15",
            "ocop_level": "province",
            "ocop_scan_upload": SimpleUploadedFile("gcn.pdf", pdf, content_type="application/pdf"),
            "packaged_food": "on",
            "food_safety_number": "01/2024/TCB",
            "food_safety_date": "2024-01-10",
            "go": "review",
        },
    )
    assert response.status_code == 302
    fresh = Application.objects.get(pk=empty_app.pk)
    todo = {i.key.rsplit(":", 1)[-1] for i in missing(fresh) if i.key.startswith("product:")}
    assert todo == set()
    product.refresh_from_db()
    assert product.ocop_stars == 4 and product.ocop_scan and product.photos.count() == 1
