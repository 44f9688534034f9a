"""The checklist computed from an application's content."""

import datetime

import pytest

from onboarding.checklist import STEPS, checklist, is_complete
from onboarding.models import Application
from tests.factories.onboarding import (
    ApplicationFactory,
    ApplicationPhotoFactory,
    ApplicationProductFactory,
    OcopProductFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db


def problems(app) -> dict[str, str]:
    return {item.key: item.message for item in checklist(app) if not item.ok}


def test_complete_application_has_no_missing_item(application):
    items = checklist(application)
    assert items and all(item.ok for item in items)
    assert is_complete(application)
    assert {item.step for item in items} <= set(STEPS)
    assert all(item.message == "" for item in items)


def test_empty_application_lists_every_missing_item_in_vietnamese(household):
    app = Application.objects.create(household=household, created_by=household)
    missing = problems(app)
    for key in (
        "legal_name",
        "representative",
        "personal_id",
        "stall_name",
        "story",
        "phone",
        "province",
        "commune",
        "products",
        "bank_bin",
        "account_number",
        "account_holder",
    ):
        assert key in missing, key
    assert missing["products"] == "Thêm ít nhất một sản phẩm để bán."
    assert "CCCD" in missing["personal_id"]
    assert not is_complete(app)


def test_items_carry_the_wizard_step():
    app = ApplicationFactory(stall_name="", bank_bin="")
    steps = {item.key: item.step for item in checklist(app)}
    assert steps["stall_name"] == "stall"
    assert steps["bank_bin"] == "payment"
    assert steps["commune"] == "address"
    assert steps["tax_code" if "tax_code" in steps else "personal_id"] == "producer"


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"tax_code": "12345"}, "tax_code"),
        ({"tax_code": "0123456789-12"}, "tax_code"),
        ({"personal_id": "12345678901"}, "personal_id"),
        ({"personal_id": "12345678901a"}, "personal_id"),
        ({"personal_id": "", "tax_code": ""}, "personal_id"),
        ({"producer_kind": "cooperative", "tax_code": "", "personal_id": "012345678901"}, "tax_code"),
        ({"producer_kind": "enterprise", "tax_code": "", "personal_id": "012345678901"}, "tax_code"),
        ({"phone": "12345"}, "phone"),
        ({"story": "   "}, "story"),
        ({"bank_bin": "999999"}, "bank_bin"),
        ({"account_number": "12"}, "account_number"),
        ({"account_holder": "TRAN VAN BINH"}, "account_holder"),
    ],
)
def test_wrong_values_are_reported(fields, key):
    app = complete_application(**fields)
    assert key in problems(app)


@pytest.mark.parametrize(
    "fields",
    [
        {"tax_code": "0123456789", "personal_id": ""},
        {"tax_code": "0123456789-001", "personal_id": ""},
        {"producer_kind": "enterprise", "tax_code": "0312345678", "personal_id": ""},
        {"producer_kind": "household_business", "tax_code": "", "personal_id": "012345678901"},
        {"account_holder": "nguyễn văn an"},
        {"phone": "0912 345 678"},
    ],
)
def test_accepted_values(fields):
    assert is_complete(complete_application(**fields))


def test_commune_must_be_in_the_province():
    from tests.factories.producers import ProvinceFactory

    app = complete_application()
    app.province = ProvinceFactory(code="81", slug="tinh-khac-81")
    app.save()
    assert "không thuộc tỉnh" in problems(app)["commune"]


def test_product_items_are_keyed_by_product(application):
    product = ApplicationProductFactory(application=application, name="", price=None, unit="", category=None)
    missing = problems(application)
    prefix = f"product:{product.pk}:"
    assert {prefix + k for k in ("name", "price", "unit", "category", "photos")} <= set(missing)
    steps = {i.key: i.step for i in checklist(application)}
    assert steps[prefix + "photos"] == "photos"
    assert steps[prefix + "price"] == "products"


def test_ocop_claim_needs_decision_level_and_scan(application):
    product = OcopProductFactory(
        application=application, ocop_decision_number="", ocop_decision_date=None, ocop_level="", ocop_scan=""
    )
    ApplicationPhotoFactory(product=product)
    missing = problems(application)
    prefix = f"product:{product.pk}:"
    for key in ("ocop_decision_number", "ocop_decision_date", "ocop_level", "ocop_scan"):
        assert prefix + key in missing
    product.ocop_decision_number = "12/QĐ-UBND"
    product.ocop_decision_date = datetime.date(2025, 1, 10)
    product.ocop_level = "province"
    product.ocop_scan = "onboarding/certificates/x.pdf"
    product.save()
    application.refresh_from_db()
    assert is_complete(application)


def test_packaged_food_needs_declaration_or_exemption(application):
    product = application.products.get()
    product.packaged_food = True
    product.save()
    assert f"product:{product.pk}:food_safety" in problems(Application.objects.get(pk=application.pk))
    product.food_safety_exempt_reason = "Sản phẩm sơ chế, chưa qua chế biến"
    product.save()
    assert is_complete(Application.objects.get(pk=application.pk))
    product.food_safety_exempt_reason = ""
    product.food_safety_number = "01/2025/TCB"
    product.food_safety_date = datetime.date(2025, 2, 1)
    product.save()
    assert is_complete(Application.objects.get(pk=application.pk))


def test_add_products_reads_producer_and_stall_from_the_existing_ones(household):
    from producers.models import BankAccount
    from tests.factories.producers import StallFactory

    stall = StallFactory(producer__owner=household, producer__representative="Nguyễn Văn An")
    BankAccount.objects.create(
        producer=stall.producer, bank_bin="970405", account_number="1234567", account_holder="NGUYEN VAN AN"
    )
    app = ApplicationFactory(
        kind=Application.Kind.ADD_PRODUCTS,
        household=household,
        producer=stall.producer,
        stall_name="",
        story="",
        legal_name="",
        personal_id="",
        commune=None,
        province=None,
        bank_bin="",
        account_number="",
        account_holder="",
    )
    ApplicationPhotoFactory(product=ApplicationProductFactory(application=app))
    assert problems(app) == {}
    stall.story = ""
    stall.save()
    app = Application.objects.get(pk=app.pk)
    assert "story" in problems(app)
