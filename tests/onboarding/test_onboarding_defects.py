"""Defects found while onboarding a household from a phone, each as the person meets it."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from onboarding import bulk
from onboarding.accounts import create_household_account, register_household
from onboarding.models import Application
from tests.factories.catalog import CategoryFactory
from tests.factories.onboarding import ApplicationFactory, ApplicationPhotoFactory, ApplicationProductFactory

pytestmark = pytest.mark.django_db


# --- names: family name first, as typed ----------------------------------------------------


def test_vietnamese_names_keep_family_name_first_on_every_page(client, officer, officer2, commune):
    client.force_login(officer)
    response = client.post("/can-bo/ho-so/tao/", {"full_name": "Nguyễn Thị Hoa", "phone": "0964 933 369"})
    app = Application.objects.get()
    assert app.household.get_full_name() == "Nguyễn Thị Hoa"
    pages = [client.get(response["Location"]).content.decode()]  # account created
    Application.objects.filter(pk=app.pk).update(commune=commune, state=Application.State.SUBMITTED)
    client.force_login(officer2)
    pages.append(client.get(f"/ho-so/{app.pk}/").content.decode())  # the application page
    pages.append(client.get("/can-bo/ho-so/").content.decode())  # the queue (no stall name yet)
    for page in pages:
        assert "Nguyễn Thị Hoa" in page
        assert "Hoa Nguyễn Thị" not in page
    assert str(officer.officer_profile).split(" ")[0] != officer.first_name or not officer.last_name


def test_registered_households_and_the_admin_show_the_name_as_typed(client, django_user_model):
    user = register_household(full_name="Trần  Văn Hậu", phone="0912 345 678", password="rau-sach-2025")
    assert user.get_full_name() == "Trần Văn Hậu"
    assert user.get_short_name() == "Hậu"
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x-pass-12345")
    client.force_login(admin)
    page = client.get("/admin/users/").content.decode()
    assert "Trần Văn Hậu" in page and "Hậu Trần Văn" not in page


# --- prices: never 100 times too low ---------------------------------------------------------


@pytest.mark.parametrize("typed", ["150,5", "150.5", "12.000,50", "150.50"])
def test_a_price_with_a_decimal_part_is_refused_in_the_product_form(typed):
    from onboarding.forms import ProductForm

    with translation.override("vi"):
        form = ProductForm(data={"name": "Mật ong", "price": typed, "unit": "chai"})
        assert not form.is_valid()
        assert "không có số lẻ" in form.errors["price"][0]


@pytest.mark.parametrize("typed", ["150.000", "150000", "150 000", "150,000", "150.000 đ", "150k"])
def test_a_price_with_thousands_separators_means_150_000_dong(typed):
    from onboarding.forms import ProductForm

    form = ProductForm(data={"name": "Mật ong", "price": typed, "unit": "chai"})
    form.is_valid()
    assert "price" not in form.errors and form.cleaned_data["price"] == 150000


def row(**values):
    example = {f: e for f, _h, e in bulk.COLUMNS}
    example.update({"name": "Mật ong rừng", "category": "1.3"}, **values)
    return {f: example[f] for f, _h, _e in bulk.COLUMNS}


@pytest.fixture
def groups(db):
    top = CategoryFactory(code="1", name="Thực phẩm")
    return top, CategoryFactory(code="1.3", name="Thực phẩm chế biến", parent=top)


def test_the_spreadsheet_refuses_decimal_prices_and_reads_grouped_ones(groups):
    with translation.override("vi"):
        results = bulk.validate(
            [
                (2, row(name="A", price="150,5")),
                (3, row(name="B", price=150.5)),  # an XLSX number cell
                (4, row(name="C", price="150.000")),
                (5, row(name="D", price=150000)),
            ]
        )
    assert [r.ok for r in results] == [False, False, True, True]
    assert "không có số lẻ" in results[0].errors[0] and "không có số lẻ" in results[1].errors[0]
    assert results[2].data["price"] == results[3].data["price"] == 150000


# --- the spreadsheet: groups, the example row ------------------------------------------------


def test_a_top_level_group_code_is_refused_row_by_row(groups):
    with translation.override("vi"):
        results = bulk.validate([(2, row(name="A", category="1")), (3, row(name="B", category="1.3"))])
    assert not results[0].ok and "1.3 Thực phẩm chế biến" in results[0].errors[0]
    assert results[1].ok and results[1].data["category"].code == "1.3"


def test_the_templates_example_row_is_never_imported(client, officer, commune, groups):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = ApplicationFactory(commune=commune, officer=officer)
    template = bulk.template_csv().decode("utf-8-sig")
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row(name="Trà Shan tuyết").values())
    client.force_login(officer)
    url = reverse("onboarding:bulk", kwargs={"pk": draft.pk})
    data = (template + buffer.getvalue()).encode("utf-8")
    response = client.post(url, {"file": SimpleUploadedFile("ds.csv", data)})
    assert response.context["n_ok"] == 1 and "dòng ví dụ" in response.content.decode()
    client.post(url, {"action": "confirm", "token": response.context["token"]})
    assert [p.name for p in draft.products.all()] == ["Trà Shan tuyết"]


def test_still_missing_links_open_the_product_that_misses_something(client, household, commune):
    app = ApplicationFactory(household=household, created_by=household, commune=commune)
    ApplicationPhotoFactory(product=ApplicationProductFactory(application=app, name="Đủ"))
    second = ApplicationProductFactory(application=app, name="Thiếu giá", price=None)
    ApplicationPhotoFactory(product=second)
    client.force_login(household)
    review = client.get(f"/ho-so/{app.pk}/review/").content.decode()
    assert f"/ho-so/{app.pk}/products/?p={second.pk}#f-price" in review
    detail = client.get(f"/ho-so/{app.pk}/").content.decode()
    assert f"/ho-so/{app.pk}/products/?p={second.pk}" in detail


# --- logged-out people go to the phone login -------------------------------------------------


@pytest.mark.parametrize("path", ["/gian-hang-cua-toi/don-hang/", "/thong-bao/", "/can-bo/ho-so/"])
def test_logged_out_households_and_officers_go_to_the_phone_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/dang-nhap/?next={path}"


@pytest.mark.parametrize(
    "typed", ["0964 933 369", "+84 964 933 369", "0964.933.369", "+84\u202f964\u202f933\u202f369", "84964933369"]
)
def test_the_phone_login_takes_the_number_as_people_type_it(client, typed):
    register_household(full_name="Nguyễn Thị Hoa", phone="0964933369", password="rau-sach-2025")
    response = client.post(
        "/dang-nhap/?next=/thong-bao/", {"username": typed, "password": "rau-sach-2025", "next": "/thong-bao/"}
    )
    assert response.status_code == 302 and response["Location"] == "/thong-bao/"


# --- every message in Vietnamese --------------------------------------------------------------

ENGLISH = re.compile(
    r"\b(the|enter|valid|must|please|this|field|required|number|write|choose|is|are|not)\b", re.IGNORECASE
)
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


def household_forms():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onboarding import forms
    from onboarding.officer_forms import AssistedHouseholdForm
    from orders.forms import CheckoutForm, LookupForm

    app = Application(representative="Nguyễn Văn An")
    bad_file = SimpleUploadedFile("x.csv", b"")
    return [
        (forms.RegisterForm, {"full_name": "", "phone": "12345", "password1": "123", "password2": "456"}, {}),
        (forms.LoginForm, {"username": "0964 933 369", "password": "sai"}, {}),
        (AssistedHouseholdForm, {"full_name": "x", "phone": "abc"}, {}),
        (forms.StallStepForm, {"stall_name": "x", "phone": "0123"}, {"instance": app}),
        (forms.ProducerStepForm, {"producer_kind": "?", "tax_code": "12", "personal_id": "34"}, {"instance": app}),
        (forms.ProductForm, {"name": "x", "price": "150,5", "stock": "-1", "weight_grams": "x"}, {}),
        (
            forms.PaymentStepForm,
            {"bank_bin": "1", "account_number": "!", "account_holder": "LE VAN B"},
            {"instance": app},
        ),
        (forms.DocumentsForm, {"ocop_claimed": "on", "ocop_stars": "9", "ocop_decision_date": "x"}, {}),
        (forms.BulkUploadForm, {}, {"files": {"file": bad_file}}),
        (CheckoutForm, {"buyer_name": "", "buyer_phone": "12", "buyer_email": "x"}, {}),
        (LookupForm, {"number": "", "phone": "12"}, {}),
    ]


def test_every_household_and_officer_form_answers_bad_input_in_vietnamese(rf):
    with translation.override("vi"):
        for form_class, data, extra in household_forms():
            files = extra.pop("files", None)
            if form_class.__name__ == "LoginForm":
                form = form_class(rf.post("/dang-nhap/"), data=data)
            elif form_class.__name__ == "BulkUploadForm":
                form = form_class(data, files)
            else:
                form = form_class(data=data, **extra)
            assert not form.is_valid(), form_class.__name__
            messages = [str(m) for errors in form.errors.values() for m in errors]
            assert messages, form_class.__name__
            for message in messages:
                assert VIETNAMESE.search(message) and not ENGLISH.search(message), (form_class.__name__, message)


@pytest.mark.parametrize(
    "path, data",
    [
        ("/dang-ky/", {"full_name": "Hoa", "phone": "12345", "password1": "a", "password2": "a"}),
        ("/tra-cuu-don-hang/", {"number": "OCOP-2026-000001", "phone": "12345"}),
    ],
)
def test_the_phone_error_is_vietnamese_on_the_page(client, path, data):
    page = client.post(path, data).content.decode()
    assert "Số điện thoại chưa đúng" in page
    assert "Enter a valid Vietnamese phone number" not in page


# --- the set-password link -----------------------------------------------------------------


def test_the_set_password_link_can_be_copied_and_shared_by_zalo_or_sms(client, officer):
    client.force_login(officer)
    response = client.post("/can-bo/ho-so/tao/", {"full_name": "Nguyễn Thị Hoa", "phone": "+84964933369"})
    # The quick listing goes on to the product; the link waits on its own page, linked from the review.
    pk = re.search(r"/ho-so/(\d+)/", response["Location"]).group(1)
    page = client.get(f"/can-bo/ho-so/{pk}/da-tao/").content.decode()
    assert "0964 933 369" in page and "+84964933369" not in page.replace("sms:+84964933369", "")
    assert re.search(r'<button type="button"[^>]*data-copy="#pw-link"[^>]*hidden', page)  # shown by the script
    assert 'href="sms:+84964933369?&amp;body=' in page
    assert "/dat-mat-khau/" in page.split("sms:", 1)[1].split('"', 1)[0].replace("%2F", "/")
    assert 'href="https://zalo.me/0964933369"' in page
    assert "onboarding/share.js" in page
    link = re.search(r'value="(http[^"]+/dat-mat-khau/[^"]+)"', page).group(1)
    household_page = client.get(link.split("testserver", 1)[1]).content.decode()
    assert "0964 933 369" in household_page


def test_created_accounts_link_phone_in_national_format():
    from tests.factories.producers import UserFactory

    user, _link = create_household_account(full_name="Lê Văn Tám", phone="0964933369", created_by=UserFactory())
    from onboarding.templatetags.onboarding_review import national_phone

    assert national_phone(user.get_username()) == "0964 933 369"
