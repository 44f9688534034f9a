"""The household wizard: each step saves on its own, shows what is missing, records who edited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from onboarding.models import Application, AuditEntry
from tests.factories.onboarding import ApplicationFactory, ApplicationProductFactory
from tests.factories.producers import CommuneFactory

pytestmark = pytest.mark.django_db


def step_url(app, step):
    return reverse("onboarding:step", kwargs={"pk": app.pk, "step": step})


def jpeg_upload(name="mat-ong.jpg"):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (10.0, 2.0, 3.0)}
    Image.new("RGB", (200, 150), "orange").save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def empty_app(household, commune):
    return ApplicationFactory(
        household=household,
        created_by=household,
        commune=None,
        province=None,
        legal_name="",
        representative="",
        personal_id="",
        stall_name="",
        story="",
        phone="",
        bank_bin="",
        account_number="",
        account_holder="",
    )


def test_household_starts_an_application(client, household):
    client.force_login(household)
    assert client.get(reverse("onboarding:new")).status_code == 200
    response = client.post(reverse("onboarding:new"), {"kind": "new_stall"})
    app = Application.objects.get(household=household)
    assert response.url == step_url(app, "quick")  # the short path first
    assert app.state == Application.State.DRAFT and app.created_by == household


def test_each_step_saves_on_its_own_and_is_audited(client, household, empty_app):
    client.force_login(household)
    response = client.post(
        step_url(empty_app, "producer"),
        {
            "producer_kind": "household",
            "legal_name": "Hộ Lê Thị Mai",
            "representative": "Lê Thị Mai",
            "personal_id": "0791 2345 6789",
            "tax_code": "",
            "data_consent": "on",
            "go": "next",
        },
    )
    assert response.status_code == 302 and response.url == step_url(empty_app, "stall")
    empty_app.refresh_from_db()
    assert empty_app.personal_id == "079123456789"
    edit = AuditEntry.objects.get(application=empty_app, action=AuditEntry.Action.EDIT)
    assert edit.actor == household and edit.field == "producer" and not edit.on_behalf

    # The next step shows what is still missing there, next to the fields.
    page = client.get(step_url(empty_app, "stall")).content.decode()
    assert 'id="f-stall_name"' in page and 'class="todo"' in page


def test_invalid_input_saves_nothing_and_says_why(client, household, empty_app):
    client.force_login(household)
    response = client.post(
        step_url(empty_app, "stall"), {"stall_name": "Mật ong Bà Mai", "story": "x", "phone": "12345"}
    )
    assert response.status_code == 200
    assert 'class="err"' in response.content.decode()
    empty_app.refresh_from_db()
    assert empty_app.stall_name == ""
    assert not empty_app.audit.filter(action=AuditEntry.Action.EDIT).exists()


def test_phone_is_stored_in_e164(client, household, empty_app):
    client.force_login(household)
    client.post(step_url(empty_app, "stall"), {"stall_name": "Mai", "story": "Ong", "phone": "0912 345 678"})
    empty_app.refresh_from_db()
    assert empty_app.phone == "+84912345678"


def test_address_step_province_then_commune(client, household, empty_app):
    commune = CommuneFactory()
    client.force_login(household)
    response = client.post(step_url(empty_app, "address"), {"action": "address", "province": commune.province_id})
    assert response.url == step_url(empty_app, "address")
    page = client.get(step_url(empty_app, "address")).content.decode()
    assert commune.name in page
    client.post(
        step_url(empty_app, "address"),
        {"action": "address", "province": commune.province_id, "commune": commune.pk, "street_address": "Ấp 3"},
    )
    empty_app.refresh_from_db()
    assert (empty_app.province_id, empty_app.commune_id, empty_app.street_address) == (
        commune.province_id,
        commune.pk,
        "Ấp 3",
    )


def test_old_address_proposes_split_communes(client, household, empty_app, officer):
    from producers.services import admin_units_load

    admin_units_load()
    client.force_login(household)
    client.post(
        step_url(empty_app, "address"),
        {"action": "legacy", "legacy_address": "Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng"},
    )
    empty_app.refresh_from_db()
    assert empty_app.address_candidates == ["20197", "20194"]
    page = client.get(step_url(empty_app, "address")).content.decode()
    assert "Phường Hải Vân" in page and "Phường Liên Chiểu" in page
    client.post(step_url(empty_app, "address"), {"action": "candidate", "commune": "20194"})
    empty_app.refresh_from_db()
    assert empty_app.commune_id == "20194" and empty_app.address_confirmed_by is None
    # A commune outside the candidates is refused.
    response = client.post(step_url(empty_app, "address"), {"action": "candidate", "commune": "00097"})
    assert response.status_code == 200
    empty_app.refresh_from_db()
    assert empty_app.commune_id == "20194"


def test_product_photo_and_documents(client, household, empty_app):
    from tests.factories.catalog import CategoryFactory

    category = CategoryFactory()
    client.force_login(household)
    response = client.post(
        step_url(empty_app, "products"),
        {
            "p": "new",
            "name": "Mật ong hoa nhãn",
            "category": category.pk,
            "unit": "chai",
            "price": "180.000",
            "stock": "10",
            "go": "photos",
        },
    )
    product = empty_app.products.get()
    assert product.price == 180000
    assert response.url == step_url(empty_app, "photos") + f"?p={product.pk}"

    response = client.post(step_url(empty_app, "photos"), {"p": product.pk, "photos": [jpeg_upload(), jpeg_upload()]})
    assert response.status_code == 302
    assert product.photos.count() == 2
    bad = SimpleUploadedFile("anh.jpg", b"not an image at all")
    client.post(step_url(empty_app, "photos"), {"p": product.pk, "photos": [bad], "go": "stay"})
    assert product.photos.count() == 2

    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n"
    response = client.post(
        step_url(empty_app, "documents"),
        {
            "p": product.pk,
            "ocop_claimed": "on",
            "ocop_stars": "4",
            "ocop_decision_number": "12/QĐ-UBND",
            "ocop_decision_date": "2024-05-02",
            "ocop_level": "province",
            "ocop_scan_upload": SimpleUploadedFile("qd.pdf", pdf),
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.ocop_stars == 4 and product.ocop_scan.name.endswith(".pdf")


def test_payment_holder_must_match_the_representative(client, household, application):
    client.force_login(household)
    response = client.post(
        step_url(application, "payment"),
        {"bank_bin": "970405", "account_number": "0123456789", "account_holder": "TRAN VAN B"},
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.account_holder == "NGUYEN VAN AN"


def test_household_submits_when_complete(client, household, application):
    client.force_login(household)
    review = client.get(step_url(application, "review"))
    assert "consent" not in review.content.decode()
    response = client.post(reverse("onboarding:submit", kwargs={"pk": application.pk}), {})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    # No more edits once sent.
    response = client.post(step_url(application, "stall"), {"stall_name": "Khác", "story": "x", "phone": ""})
    application.refresh_from_db()
    assert application.stall_name != "Khác"


def test_incomplete_application_cannot_be_sent(client, household, empty_app):
    client.force_login(household)
    client.post(reverse("onboarding:submit", kwargs={"pk": empty_app.pk}), {})
    empty_app.refresh_from_db()
    assert empty_app.state == Application.State.DRAFT


def test_officer_edits_on_behalf_and_submits_with_consent(client, officer, application):
    client.force_login(officer)
    client.post(step_url(application, "stall"), {"stall_name": "Mật ong Bà Tư", "story": "Ong", "phone": "0912345678"})
    edit = application.audit.filter(action=AuditEntry.Action.EDIT).last()
    assert edit.actor == officer and edit.on_behalf

    page = client.get(step_url(application, "review")).content.decode()
    assert 'name="consent"' in page
    client.post(reverse("onboarding:submit", kwargs={"pk": application.pk}), {})
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT  # no consent, not sent
    client.post(reverse("onboarding:submit", kwargs={"pk": application.pk}), {"consent": "on"})
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert application.consent_given and application.consent_confirmed_by == officer


def test_household_withdraws(client, household, application):
    client.force_login(household)
    client.post(reverse("onboarding:withdraw", kwargs={"pk": application.pk}), {"comment": "Chưa sẵn sàng"})
    application.refresh_from_db()
    assert application.state == Application.State.WITHDRAWN


def test_home_lists_state_and_officer_comments(client, household, application, officer, django_assert_max_num_queries):
    from onboarding.models import ReviewComment

    ReviewComment.objects.create(application=application, author=officer, field="story", text="Kể thêm về đàn ong")
    for _ in range(3):
        ApplicationFactory(household=household, created_by=household)
    client.force_login(household)
    # 16 with a cold cache: the footer's policy links are one query, then cached for every page.
    with django_assert_max_num_queries(16):
        page = client.get(reverse("onboarding:home")).content.decode()
    assert "Kể thêm về đàn ong" in page
    assert application.get_state_display() in page


def test_detail_shows_checklist_audit_and_comments(client, household, application, django_assert_max_num_queries):
    ApplicationProductFactory(application=application)
    client.force_login(household)
    client.post(step_url(application, "stall"), {"stall_name": "Mới", "story": "Ong", "phone": "0912345678"})
    with django_assert_max_num_queries(25):
        response = client.get(reverse("onboarding:detail", kwargs={"pk": application.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="checklist"' in page and 'class="audit"' in page


def test_officer_choice_of_a_split_commune_confirms_it(client, officer, application):
    from producers.services import admin_units_load

    admin_units_load()
    officer.officer_profile.communes.add("20197")  # the officer serves the ward it confirms
    client.force_login(officer)
    url = step_url(application, "address")
    client.post(url, {"action": "legacy", "legacy_address": "Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng"})
    client.post(url, {"action": "candidate", "commune": "20197"})
    application.refresh_from_db()
    assert application.commune_id == "20197" and application.address_confirmed_by == officer


def test_a_household_with_an_open_stall_application_continues_it(client, household, application):
    client.force_login(household)
    response = client.get(reverse("onboarding:new"))
    assert response.url == reverse("onboarding:detail", kwargs={"pk": application.pk})
    assert Application.objects.filter(household=household).count() == 1


def test_pages_work_in_english(client, household, application):
    client.force_login(household)
    paths = {step: step_url(application, step) for step in ("producer", "stall", "address", "products", "review")}
    for path in paths.values():
        response = client.get("/en" + path)
        assert response.status_code == 200
        assert 'lang="en"' in response.content.decode()
    assert "Save and continue" in client.get("/en" + paths["stall"]).content.decode()


def test_officer_cannot_move_an_application_out_of_their_communes(client, officer, application):
    from producers.services import admin_units_load

    admin_units_load()
    client.force_login(officer)
    url = step_url(application, "address")
    client.post(url, {"action": "legacy", "legacy_address": "Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng"})
    response = client.post(url, {"action": "candidate", "commune": "20194"})
    assert response.status_code == 302  # a clear message, not an error page
    application.refresh_from_db()
    assert application.commune_id != "20194"


def test_coming_back_continues_at_the_first_unfinished_step(client, household, empty_app):
    client.force_login(household)
    client.post(
        step_url(empty_app, "producer"),
        {
            "producer_kind": "household",
            "legal_name": "Hộ Mai",
            "representative": "Lê Thị Mai",
            "personal_id": "079123456789",
            "data_consent": "on",
        },
    )
    # The connection drops; later the household opens its application again.
    client.logout()
    client.force_login(household)
    page = client.get(reverse("onboarding:detail", kwargs={"pk": empty_app.pk})).content.decode()
    # Without a product yet, the short path: the stall, address and bank account on one screen.
    assert f'<a class="btn" href="{step_url(empty_app, "quick")}">' in page
    empty_app.refresh_from_db()
    assert empty_app.legal_name == "Hộ Mai"


def test_missing_items_link_to_their_field(client, household, empty_app):
    client.force_login(household)
    page = client.get(step_url(empty_app, "stall")).content.decode()
    assert 'href="#f-stall_name"' in page and 'id="f-stall_name"' in page


def test_product_steps_query_counts(client, household, application, django_assert_max_num_queries):
    for _ in range(4):
        ApplicationProductFactory(application=application)
    client.force_login(household)
    for step in ("products", "photos", "documents", "review"):
        with django_assert_max_num_queries(30):
            assert client.get(step_url(application, step)).status_code == 200


def test_add_products_application_has_only_the_product_steps(client, household, officer):
    from onboarding.models import ReviewComment
    from tests.factories.producers import StallFactory

    stall = StallFactory(producer__owner=household)
    app = ApplicationFactory(
        household=household, created_by=household, kind=Application.Kind.ADD_PRODUCTS, producer=stall.producer
    )
    ReviewComment.objects.create(application=app, author=officer, field="story", text="Sửa câu chuyện")
    client.force_login(household)
    page = client.get(reverse("onboarding:detail", kwargs={"pk": app.pk})).content.decode()
    assert "Sửa câu chuyện" in page
    assert step_url(app, "stall") not in page
    assert client.get(step_url(app, "stall")).status_code == 404
    assert client.get(step_url(app, "products")).status_code == 200


def test_published_application_links_to_the_stall(client, household):
    from tests.factories.producers import StallFactory

    stall = StallFactory(producer__owner=household)
    app = ApplicationFactory(
        household=household, created_by=household, producer=stall.producer, state=Application.State.PUBLISHED
    )
    client.force_login(household)
    page = client.get(reverse("onboarding:detail", kwargs={"pk": app.pk})).content.decode()
    assert stall.get_absolute_url() in page
