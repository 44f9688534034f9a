"""Factories of the onboarding app: ``ApplicationFactory()`` is a draft whose checklist is complete
once it has a product (``ApplicationProductFactory``) with a photo (``ApplicationPhotoFactory``);
``complete_application(...)`` builds all three."""

import datetime

import factory

from core import roles
from onboarding.models import Application, ApplicationPhoto, ApplicationProduct, AuditEntry

from .catalog import CategoryFactory, ImageFactory
from .producers import CommuneFactory, UserFactory

AGRIBANK_BIN = "970405"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    kind = Application.Kind.NEW_STALL
    state = Application.State.DRAFT
    household = factory.SubFactory(UserFactory, groups=[roles.FARMER])
    created_by = factory.SelfAttribute("household")
    commune = factory.SubFactory(CommuneFactory)
    province = factory.SelfAttribute("commune.province")
    producer_kind = "household"
    legal_name = factory.Sequence(lambda n: f"Hộ Nguyễn Văn An {n}")
    representative = "Nguyễn Văn An"
    personal_id = factory.Sequence(lambda n: f"{n + 1:012d}")
    stall_name = factory.Sequence(lambda n: f"Gian hàng Mật ong {n}")
    story = "Gia đình tôi nuôi ong ba đời ở chân núi."
    phone = "+84912345678"
    street_address = "Ấp 3"
    bank_bin = AGRIBANK_BIN
    account_number = "1234567890"
    account_holder = "NGUYEN VAN AN"


class ApplicationProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationProduct

    application = factory.SubFactory(ApplicationFactory)
    sort_order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Mật ong rừng {n}")
    category = factory.SubFactory(CategoryFactory)
    short_description = "Mật ong nguyên chất."
    description = "Mật ong hoa cà phê, thu hoạch tháng Ba."
    unit = "chai"
    price = 180000
    stock = 20
    weight_grams = 500


class OcopProductFactory(ApplicationProductFactory):
    """A product claiming OCOP stars, with every document the checklist asks for."""

    ocop_claimed = True
    ocop_stars = 4
    ocop_decision_number = factory.Sequence(lambda n: f"{n + 100}/QĐ-UBND")
    ocop_decision_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=200))
    ocop_level = "province"
    ocop_scan = factory.django.FileField(filename="chung-nhan.pdf", data=b"%PDF-1.4 scan")


class ApplicationPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationPhoto

    product = factory.SubFactory(ApplicationProductFactory)
    image = factory.SubFactory(ImageFactory)
    sort_order = 0


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    application = factory.SubFactory(ApplicationFactory)
    actor = factory.SelfAttribute("application.household")
    action = AuditEntry.Action.CREATE


def complete_application(**kwargs) -> Application:
    """A draft application with one product and one photo: its checklist is complete."""
    app = ApplicationFactory(**kwargs)
    ApplicationPhotoFactory(product=ApplicationProductFactory(application=app))
    return app
