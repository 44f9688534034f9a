"""Demo data of the onboarding app, added by `seed_demo` (idempotent: running it twice adds nothing).

Applications in every state a reviewer meets (draft, submitted, in review, changes requested,
published, rejected, withdrawn) for the demo ``farmer`` and for demo households in the demo
officer's communes, made through the services so each has its audit trail (the two published
ones are the onboarding records of two existing demo stalls, so the storefront keeps its 30
stalls and 600 products); and a second
officer, ``officer2``, serving the same communes, so the four-eyes rule can be shown (the
application ``officer`` created for "Hộ Võ Thị Hạnh" waits for ``officer2`` to approve it).
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.images import get_image_model

from catalog.models import Category, Product
from core import roles
from core.phone import normalize_vn_phone
from core.text import fold
from onboarding import services
from onboarding.models import Application, ApplicationPhoto, ApplicationProduct
from producers.models import OfficerProfile, Producer

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "demo12345"
AGRIBANK = "970405"

# name, phone, state, created by the officer?, product (name, unit, price), days since first submission
HOUSEHOLDS = [
    ("Nguyễn Văn Bình", "0912000101", "draft", True, ("Khô cá lóc", "túi", 120000), None),
    ("Lê Thị Thu", "0912000102", "submitted", False, ("Mắm cá linh", "hũ", 95000), 2),
    ("Võ Thị Hạnh", "0912000103", "in_review", True, ("Đường thốt nốt", "kg", 70000), 4),
    ("Phan Văn Tài", "0912000104", "published", False, ("Gạo ST25 Tài Phát", "túi 5 kg", 180000), 9),
    ("Đặng Thị Ngọc", "0912000105", "published", True, ("Trà mãng cầu", "hộp", 85000), 5),
    ("Huỳnh Văn Lộc", "0912000106", "rejected", False, ("Rượu đế", "chai", 60000), 6),
    ("Trương Thị Kim", "0912000107", "withdrawn", False, ("Bánh tráng mè", "xấp", 40000), 3),
    ("Lý Văn Sang", "0912000108", "changes_requested", True, ("Mật ong hoa tràm", "chai", 150000), 7),
]


def _user(username, full_name, group, *, email=""):
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
    created = user is None
    if created:
        family, _sep, given = full_name.rpartition(" ")
        user = User(**{User.USERNAME_FIELD: username}, first_name=given, last_name=family, email=email)
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=group))
    return user, created


def _officer2(officer):
    """``officer2`` (a demo account of seed_demo, or made here) serves the officer's communes."""
    user, _created = _user("officer2", "Nguyễn Thanh Sơn", roles.OFFICER, email="officer2@ocop.local")
    profile, _ = OfficerProfile.objects.get_or_create(
        user=user, defaults={"team_name": "Tổ Công nghệ số cộng đồng", "phone": "0292 3821 001"}
    )
    mine = getattr(officer, "officer_profile", None)
    if mine is not None:
        profile.communes.add(*mine.communes.all())
    return user


def _fill(app, *, name, product, image, category, n):
    app.legal_name = f"Hộ {name}"
    app.representative = name
    app.personal_id = f"092{n:09d}"
    app.stall_name = f"{product[0]} nhà {name.split()[-1]}"
    app.story = f"Gia đình {name} làm {product[0].lower()} theo cách truyền thống của miền Tây."
    app.street_address = f"Ấp {n}"
    app.bank_bin = AGRIBANK
    app.account_number = f"7100205{n:06d}"
    app.account_holder = fold(name).upper()
    app.save()
    item = ApplicationProduct.objects.create(
        application=app,
        sort_order=0,
        name=product[0],
        category=category,
        short_description=f"{product[0]} làm thủ công, không chất bảo quản.",
        description=f"{product[0]} của hộ {name}, đóng gói tại nhà.",
        unit=product[1],
        price=product[2],
        stock=30,
        weight_grams=500,
    )
    ApplicationPhoto.objects.create(product=item, image=image, sort_order=0)


def seed_onboarding(*, today, users) -> dict[str, int]:
    """``users`` maps the demo usernames (admin, editor, officer, farmer) to users; returns counts."""

    officer, farmer = users.get("officer"), users.get("farmer")
    profile = getattr(officer, "officer_profile", None) if officer else None
    if profile is None:
        return {}
    communes = list(profile.communes.select_related("province").order_by("code"))
    category = Category.objects.filter(parent__isnull=False).order_by("sort_order", "pk").first()
    image = get_image_model().objects.order_by("pk").first()
    if not communes or category is None or image is None:
        return {}
    officer2 = _officer2(officer)
    counts = {"onboarding applications created": 0}

    # The published applications are the onboarding records of two existing demo stalls of the
    # officer's communes (the storefront keeps its 30 stalls): their households own them.
    candidates = Producer.objects.filter(stall__commune__in=communes, stall__is_published=True)
    if farmer is not None:
        candidates = candidates.exclude(owner=farmer)
    onboarded = list(candidates.select_related("stall", "owner").order_by("pk")[:2])
    for n, (name, phone, state, assisted, product, days) in enumerate(HOUSEHOLDS, start=1):
        past = onboarded.pop(0) if state == "published" and onboarded else None
        if state == "published" and past is None:
            continue
        if past is not None:
            name = past.representative or name
        household, _created = _user(normalize_vn_phone(phone), name, roles.FARMER)
        if Application.objects.filter(household=household).exists():
            continue
        try:
            with transaction.atomic():
                _seed_one(
                    n=n,
                    household=household,
                    actor=officer if assisted else household,
                    people={"officer": officer, "officer2": officer2, "assisted": assisted},
                    row={"name": name, "phone": phone, "state": state, "product": product, "days": days},
                    past=past,
                    commune=past.stall.commune if past else communes[n % len(communes)],
                    image=image,
                    category=category,
                )
        except services.TransitionError as exc:  # a demo row the checklist refuses: leave it out
            logger.warning("demo application of %s not seeded: %s", name, exc.message)
            continue
        counts["onboarding applications created"] += 1

    if farmer is not None:
        producer = farmer.producers.filter(stall__isnull=False).select_related("stall").first()
        if producer is not None and not Application.objects.filter(household=farmer).exists():
            try:
                with transaction.atomic():
                    counts["onboarding applications created"] += _seed_farmer(
                        farmer, producer, officer=officer, officer2=officer2, image=image, category=category
                    )
            except services.TransitionError as exc:
                logger.warning("demo applications of the farmer not seeded: %s", exc.message)
    return counts


def _seed_one(*, n, household, actor, people, row, past, commune, image, category):
    """One demo household's application, driven to its state through the services."""

    app = services.create_application(
        household=household, actor=actor, kind=Application.Kind.NEW_STALL, commune=commune
    )
    if past is not None:
        Producer.objects.filter(pk=past.pk, owner__isnull=True).update(owner=household)
        _fill_from(app, past, image=image, phone=normalize_vn_phone(row["phone"]))
    else:
        _fill(app, name=row["name"], product=row["product"], image=image, category=category, n=n)
    services.record_edit(app, actor, field="review", summary="Điền đủ hồ sơ")
    _drive(
        app,
        row["state"],
        household=household,
        officer=people["officer"],
        officer2=people["officer2"],
        assisted=people["assisted"],
        producer=past,
    )
    if row["days"] is not None:
        # Spread the demo over the past days so the dashboard's median means something.
        submitted = timezone.now() - datetime.timedelta(days=row["days"])
        Application.objects.filter(pk=app.pk).update(submitted_at=submitted, created_at=submitted)


def _seed_farmer(farmer, producer, *, officer, officer2, image, category) -> int:
    """The farmer adds a product (the officer asked for changes) and starts editing another."""

    app = services.create_application(
        household=farmer, actor=farmer, kind=Application.Kind.ADD_PRODUCTS, producer=producer
    )
    _fill_farmer(app, producer=producer, image=image, category=category)
    _drive(app, "changes_requested", household=farmer, officer=officer, officer2=officer2, assisted=False)
    product = Product.objects.filter(producer=producer).order_by("pk").first()
    if product is None:
        return 1
    services.create_application(
        household=farmer, actor=farmer, kind=Application.Kind.EDIT_PRODUCT, producer=producer, product=product
    )
    return 2


def _fill_farmer(app, *, producer, image, category):
    bank = getattr(producer, "bank_account", None)
    if bank is None:
        app.bank_bin, app.account_number = AGRIBANK, "7100205000999"
        app.account_holder = fold(producer.representative).upper()
        app.save()
    item = ApplicationProduct.objects.create(
        application=app,
        sort_order=0,
        name="Bánh pía sầu riêng trứng muối",
        category=category,
        short_description="Bánh pía nhân sầu riêng, trứng muối, nướng than.",
        description="Mỗi hộp 4 cái, 500 g.",
        unit="hộp",
        price=85000,
        stock=40,
        weight_grams=500,
        packaged_food=True,
        food_safety_number="12/2025/TCB",
        food_safety_date=datetime.date(2025, 3, 1),
    )
    ApplicationPhoto.objects.create(product=item, image=image, sort_order=0)


def _fill_from(app, producer, *, image, phone):
    """An application carrying what an existing demo stall and one of its products show."""

    stall = producer.stall
    for field in ("legal_name", "representative", "tax_code", "personal_id"):
        setattr(app, field, getattr(producer, field))
    app.producer_kind = producer.kind
    app.stall_name, app.story, app.phone = stall.name, strip_tags(stall.story), phone
    app.province_id, app.commune_id, app.street_address = stall.province_id, stall.commune_id, stall.street_address
    app.legacy_address = stall.legacy_address
    app.bank_bin, app.account_number = AGRIBANK, f"7100205{producer.pk:06d}"
    app.account_holder = fold(producer.representative).upper()
    app.save()
    product = producer.products.order_by("pk").first()
    item = ApplicationProduct.objects.create(
        application=app,
        sort_order=0,
        product=product,
        name=product.name,
        category_id=product.category_id,
        short_description=product.short_description,
        description=strip_tags(product.description),
        unit=product.unit,
        price=product.price,
        stock=product.stock,
        weight_grams=product.weight_grams,
    )
    first = product.images.order_by("sort_order", "pk").first()
    ApplicationPhoto.objects.create(product=item, image_id=first.image_id if first else image.pk, sort_order=0)


def _drive(app, state, *, household, officer, officer2, assisted, producer=None):
    """Move a complete draft to ``state`` through the services, as people would."""

    if state == "draft":
        return
    if assisted:
        services.submit(app, officer, consent=True)
    else:
        services.submit(app, household)
    if state in ("submitted",):
        return
    if state == "withdrawn":
        services.withdraw(app, household, comment="Gia đình muốn chuẩn bị thêm ảnh.")
        return
    reviewer = officer2 if assisted else officer
    services.start_review(app, reviewer)
    if state == "in_review":
        return
    if state == "changes_requested":
        services.request_changes(
            app,
            reviewer,
            comment="Ảnh sản phẩm còn tối, xin chụp lại ngoài trời.",
            field_comments={"story": "Kể thêm về cách làm sản phẩm."},
        )
    elif state == "rejected":
        services.reject(app, reviewer, reason="Rượu thủ công chưa có giấy phép sản xuất rượu để bán.")
    elif state == "published":
        services.record_past_publication(app, reviewer, producer=producer)
