"""``manage.py seed_demo``: the demo catalogue, its pictures and the demo accounts.

Idempotent: every row is found again by a natural key (stall slug, product slug, image
title in the "Ảnh demo" collection, username, certificate decision number) and updated
in place, so a second run creates nothing and draws no picture twice.
"""

import datetime
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection

from catalog import renditions
from catalog.models import Category, Certification, OcopCertificate, Product, ProductImage, default_expiry
from cms.models import HomeFeaturedProduct, HomeFeaturedStall, HomePage
from core.roles import apply_roles
from core.text import vi_slugify
from demo import catalog_data
from demo import images as demo_images
from demo.cms_content import seed_cms
from demo.onboarding_data import seed_onboarding
from demo.orders_data import seed_orders
from demo.reviews_data import seed_reviews
from demo.traceability_data import seed_traceability
from producers.media_collections import PRODUCER_PHOTOS, apply_collection_permissions, collection_get_or_create
from producers.models import Commune, OfficerProfile, Producer, Province, Stall
from producers.services import admin_units_load

DEMO_COLLECTION = "Ảnh demo"


def site_url() -> str:
    """The address the demo is served at: SITE_URL (``make demo`` sets it from PORT), else the default."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/"


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, bool]] = field(default_factory=list)  # username, role, created
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


class Command(BaseCommand):
    help = (
        "Load the demo catalogue: 30 verified stalls in 14 provinces, 600 published products with "
        "OCOP certificates and generated pictures, the home page's featured picks, and the demo "
        "accounts admin, editor, officer, officer2, finance and farmer (password demo12345). Run load_admin_units "
        "first, or it loads the administrative units itself. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--image-size",
            type=int,
            default=None,
            help="Side of the product pictures in pixels (default 800, or settings.SEED_DEMO_IMAGE_SIZE).",
        )

        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (benchmarks, tests): it creates accounts with a known password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates accounts with the password demo12345: it runs with DEBUG on, "
                "or with --allow-production where that is really wanted."
            )
        started = time.monotonic()
        size = options["image_size"] or getattr(settings, "SEED_DEMO_IMAGE_SIZE", 800)
        if size < 100:
            raise CommandError("The image size must be at least 100 pixels.")
        summary = seed(image_size=size)
        report(summary, time.monotonic() - started, self.stdout, self.style)


def report(summary: Summary, elapsed: float, out, style) -> None:
    """What the command prints: counts, the demo accounts and the address the demo is served at."""
    for note in summary.notes:
        out.write(style.WARNING(note))
    out.write(style.SUCCESS(f"Demo data ready in {elapsed:.1f} s."))
    for key, value in summary.counts.items():
        out.write(f"  {key:<28} {value}")
    out.write("")
    out.write(f"  {'username':<10} {'password':<12} role")
    for username, role, created in summary.users:
        mark = "" if created else "  (existing account: password not changed)"
        out.write(f"  {username:<10} {catalog_data.DEMO_PASSWORD:<12} {role:<10}{mark}".rstrip())
    out.write("")
    url = site_url()
    out.write(f"Storefront: {url}   Admin: {url}admin/")


@transaction.atomic
def seed(*, image_size: int = 800) -> Summary:
    summary = Summary()
    apply_roles()
    apply_collection_permissions()
    if not Province.objects.exists():
        admin_units_load()
    today = timezone.localdate()
    plans = catalog_data.build_plan(today)

    users = _users(summary)
    images = _images(plans, image_size, summary)
    stalls = _stalls(images, users, summary)
    _officer(users["officer"], stalls)
    products = _products(plans, stalls, today, summary)
    _product_images(plans, products, images)
    # What an upload does: the renditions the storefront shows, made now rather than by the
    # first visitors of each page (catalog/renditions.py).
    product_photos = ProductImage.objects.filter(product__in=products.values()).values_list("image_id", flat=True)
    renditions.prepare(product_photos, "product")
    renditions.prepare([s.logo_id for s in stalls.values() if s.logo_id], "stall_logo")
    renditions.prepare([s.cover_id for s in stalls.values() if s.cover_id], "stall_cover")
    _certificates(plans, products, summary)
    _home(plans, products, stalls, today, summary)

    for key, n in seed_cms(today=today, image_size=image_size).items():
        summary.add(key, n)

    for key, n in seed_onboarding(today=today, users=users).items():
        summary.add(key, n)
    for key, n in seed_orders(today=today, users=users).items():
        summary.add(key, n)

    for key, n in seed_reviews(users=users).items():
        summary.add(key, n)

    for key, n in seed_traceability(today=today, users=users).items():
        summary.add(key, n)

    summary.counts.update(
        {
            "stalls (published)": Stall.objects.published().filter(slug__in=stalls).count(),
            "products (published)": Product.objects.published().filter(slug__in=products).count(),
            "out of stock": sum(1 for p in plans if p.stock == 0),
            "OCOP certificates": OcopCertificate.objects.filter(product__in=products.values()).count(),
            "  of which expired": OcopCertificate.objects.filter(product__in=products.values())
            .exclude(status=OcopCertificate.Status.ACTIVE, expires_on__gte=today)
            .count(),
            "other certifications": Certification.objects.filter(product__in=products.values()).count(),
            "demo images": get_image_model().objects.filter(collection=_collection()).count(),
        }
    )
    return summary


# --- accounts --------------------------------------------------------------------------


def _users(summary: Summary) -> dict:
    User = get_user_model()
    groups = {g.name: g for g in Group.objects.all()}
    users = {}
    for username, full_name, role, group, superuser in catalog_data.DEMO_USERS:
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            user = User(
                **{User.USERNAME_FIELD: username},
                email=f"{username}@ocop.local",
                first_name=full_name,
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.set_password(catalog_data.DEMO_PASSWORD)
            user.save()
        if group:
            user.groups.add(groups[group])
        users[username] = user
        summary.users.append((username, role, created))
    return users


def _officer(officer, stalls: dict[str, Stall]) -> None:
    """The officer serves the communes of the demo stalls in one or two provinces."""
    profile, _ = OfficerProfile.objects.get_or_create(
        user=officer, defaults={"team_name": "Tổ Công nghệ số cộng đồng", "phone": "0292 3821 000"}
    )
    served = [s for s in stalls.values() if s.province.short_name in catalog_data.OFFICER_PROVINCES]
    profile.communes.add(*{s.commune for s in served if s.commune})
    Producer.objects.filter(stall__in=served).update(officer=officer)


# --- pictures --------------------------------------------------------------------------


def _collection() -> Collection:
    """The demo pictures, among the producers' photos (editors choose them in the admin)."""

    existing = Collection.objects.filter(name=DEMO_COLLECTION).order_by("path").first()
    if existing is None:
        return collection_get_or_create(DEMO_COLLECTION, parent_name=PRODUCER_PHOTOS)
    if existing.depth == 2:  # seeded at the top level by an earlier version
        existing.move(collection_get_or_create(PRODUCER_PHOTOS), pos="last-child")
        existing.refresh_from_db()
    return existing


def _images(plans, size: int, summary: Summary) -> dict:
    """Wagtail images by key: "<base>", "<base>/2", "logo:<stall>", "cover:<stall>".

    One picture per product line shared by its pack sizes (plus a second view for some),
    a logo and a cover per stall; only the missing ones are drawn.
    """
    stalls = {s.slug: s for s in catalog_data.STALLS}
    wanted: dict[str, tuple[str, Callable[[], bytes]]] = {}
    for plan in plans:
        base, stall = catalog_data.BASES_BY_KEY[plan.base], stalls[plan.stall]
        subtitle = f"{stall.name} · {stall.province}"
        for key in plan.images:
            variant = 2 if key.endswith("/2") else 1
            title = base.name if variant == 1 else f"{base.name} (ảnh 2)"
            wanted[key] = (
                title,
                lambda b=base, s=subtitle, v=variant: demo_images.product_image(
                    b.name, s, b.category, size=size, variant=v
                ),
            )
    for stall in catalog_data.STALLS:
        code = catalog_data.BASES_BY_KEY[stall.bases[0]].category
        wanted[f"logo:{stall.slug}"] = (
            f"Logo – {stall.name}",
            lambda s=stall, c=code: demo_images.logo_image(s.name, c, size=max(100, size // 2)),
        )
        wanted[f"cover:{stall.slug}"] = (
            f"Ảnh bìa – {stall.name}",
            lambda s=stall, c=code: demo_images.cover_image(
                s.name, s.story, c, width=size * 3 // 2, height=max(100, size // 2)
            ),
        )

    Image = get_image_model()
    collection = _collection()
    titles = {title for title, _ in wanted.values()}
    existing = {}
    for image in Image.objects.filter(collection=collection, title__in=titles).order_by("pk"):
        existing.setdefault(image.title, image)
    result = {}
    for key, (title, draw) in wanted.items():
        image = existing.get(title)
        if image is None:
            data = draw()
            image = demo_images.save_drawn(title=title, collection=collection, data=data)
            existing[title] = image
            summary.add("images drawn")
        result[key] = image
    if not demo_images.renders_vietnamese():
        summary.notes.append("No font with Vietnamese glyphs was found: picture texts are drawn without diacritics.")
    return result


# --- stalls and producers ----------------------------------------------------------------


def _commune(province: Province, data: catalog_data.StallData, summary: Summary) -> Commune:
    commune = Commune.objects.filter(province=province, short_name=data.commune).first()
    if commune is None:
        # Another edition of the units table: pick one of the province's communes, the same each run.
        communes = list(province.communes.order_by("code"))
        commune = communes[zlib.crc32(data.slug.encode()) % len(communes)]
        summary.notes.append(f"{data.slug}: no commune '{data.commune}' in {province}, using {commune.name}.")
    return commune


def _stalls(images: dict, users: dict, summary: Summary) -> dict[str, Stall]:
    provinces = {p.short_name: p for p in Province.objects.all()}
    existing = {s.slug: s for s in Stall.objects.select_related("producer").filter(slug__in=_stall_slugs())}
    stalls: dict[str, Stall] = {}
    for data in catalog_data.STALLS:
        province = provinces.get(data.province)
        if province is None:
            raise CommandError(f"Province {data.province} is missing: run manage.py load_admin_units.")
        stall = existing.get(data.slug)
        producer = stall.producer if stall else Producer()
        producer.kind = data.kind
        producer.legal_name = data.legal_name
        producer.representative = data.representative
        identity = catalog_data.stall_identity(data)
        producer.tax_code, producer.personal_id = identity["tax_code"], identity["personal_id"]
        producer.verification = Producer.Verification.VERIFIED
        # The demo catalog stands for listings imported in bulk from an existing marketplace.
        producer.onboarded_via = producer.onboarded_via or Producer.Onboarding.BULK
        if data.slug == catalog_data.FARMER_STALL:
            producer.owner = users["farmer"]
        producer.full_clean()
        producer.save()
        if stall is None:
            stall = Stall(slug=data.slug)
            summary.add("stalls created")
        stall.producer = producer
        stall.name = data.name
        stall.story = f"<p>{data.story}</p>"
        stall.logo = images[f"logo:{data.slug}"]
        stall.cover = images[f"cover:{data.slug}"]
        stall.phone = identity["phone"]
        stall.province = province
        stall.commune = _commune(province, data, summary)
        stall.street_address = data.street
        stall.legacy_address = data.legacy_address
        stall.is_published = True
        stall.full_clean()
        stall.save()
        stalls[data.slug] = stall
    return stalls


def _stall_slugs() -> list[str]:
    return [s.slug for s in catalog_data.STALLS]


# --- products ---------------------------------------------------------------------------


def _published_at(today: datetime.date, plan) -> datetime.datetime:
    day = today - datetime.timedelta(days=plan.published_at_days_ago)
    moment = datetime.datetime.combine(
        day, datetime.time(plan.published_at_minutes // 60, plan.published_at_minutes % 60)
    )
    return timezone.make_aware(moment)


def product_slug(name: str) -> str:
    # The same length limit as Product.save()'s unique_slug, so a slug never gets a suffix.
    return vi_slugify(name, max_length=94)


def _products(plans, stalls: dict[str, Stall], today: datetime.date, summary: Summary) -> dict[str, Product]:
    categories = {c.code: c for c in Category.objects.select_related("parent").exclude(code="")}
    missing = {p.category for p in plans} - set(categories)
    if missing:
        raise CommandError(f"OCOP groups {sorted(missing)} are missing: run manage.py migrate.")
    slugs = [product_slug(p.name) for p in plans]
    if len(set(slugs)) != len(slugs):
        raise CommandError("Two demo product names give the same slug.")
    existing = {p.slug: p for p in Product.objects.filter(slug__in=slugs)}
    products: dict[str, Product] = {}
    for plan, slug in zip(plans, slugs, strict=True):
        stall = stalls[plan.stall]
        values = {
            "producer": stall.producer,
            "category": categories[plan.category],
            "name": plan.name,
            "short_description": plan.short_description,
            "description": plan.description,
            "unit": plan.unit,
            "price": plan.price,
            "stock": plan.stock,
            "weight_grams": plan.weight_grams,
            "origin_province": stall.province,
            "origin_commune": stall.commune,
            "status": Product.Status.PUBLISHED,
            "published_at": _published_at(today, plan),
        }
        product = existing.get(slug)
        if product is None:
            product = Product(slug=slug)
            summary.add("products created")
        elif not _differs(product, values):
            products[slug] = product
            continue
        else:
            summary.add("products updated")
        for name, value in values.items():
            setattr(product, name, value)
        product.save()
        products[slug] = product
    return products


def _differs(instance, values: dict) -> bool:
    for name, value in values.items():
        current = getattr(instance, instance._meta.get_field(name).attname)
        if hasattr(value, "pk"):
            value = value.pk
        if current != value:
            return True
    return False


def _product_images(plans, products: dict[str, Product], images: dict) -> None:
    wanted = {}
    for plan in plans:
        product = products[product_slug(plan.name)]
        for order, key in enumerate(plan.images):
            wanted[(product.pk, images[key].pk)] = order
    rows = ProductImage.objects.filter(product__in=products.values(), image__collection=_collection())
    existing = {(r.product_id, r.image_id): r for r in rows}
    ProductImage.objects.filter(pk__in=[r.pk for k, r in existing.items() if k not in wanted]).delete()
    changed = []
    for key, row in existing.items():
        if key in wanted and row.sort_order != wanted[key]:
            row.sort_order = wanted[key]
            changed.append(row)
    ProductImage.objects.bulk_update(changed, ["sort_order"])
    ProductImage.objects.bulk_create(
        ProductImage(product_id=p, image_id=i, sort_order=order)
        for (p, i), order in wanted.items()
        if (p, i) not in existing
    )


def _certificates(plans, products: dict[str, Product], summary: Summary) -> None:
    """OCOP certificates keyed by (product, decision number), other certifications by (product, kind)."""
    ids = [p.pk for p in products.values()]
    certs = {(c.product_id, c.decision_number): c for c in OcopCertificate.objects.filter(product_id__in=ids)}
    others = {(c.product_id, c.kind): c for c in Certification.objects.filter(product_id__in=ids)}
    new_certs, changed_certs, new_others, changed_others = [], [], [], []
    cert_fields = ["stars", "score", "decision_date", "level", "issuing_body", "status", "expires_on"]
    other_fields = ["number", "issued_on", "expires_on"]
    for plan in plans:
        product = products[product_slug(plan.name)]
        if plan.certificate:
            c = plan.certificate
            values = {
                "stars": c.stars,
                "score": c.score,
                "decision_date": c.decision_date,
                "level": c.level,
                "issuing_body": c.issuing_body,
                "status": c.status,
                # bulk_create skips save(), which fills in the 36-month default.
                "expires_on": c.expires_on or default_expiry(c.decision_date),
            }
            row = certs.get((product.pk, c.decision_number))
            if row is None:
                new_certs.append(OcopCertificate(product=product, decision_number=c.decision_number, **values))
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                changed_certs.append(row)
        for order, other in enumerate(plan.certifications):
            values = {"number": other.number, "issued_on": other.issued_on, "expires_on": other.expires_on}
            row = others.get((product.pk, other.kind))
            if row is None:
                new_others.append(Certification(product=product, kind=other.kind, sort_order=order, **values))
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                changed_others.append(row)
    for row in new_certs:
        row.full_clean(exclude=["product"])
    OcopCertificate.objects.bulk_create(new_certs, batch_size=200)
    OcopCertificate.objects.bulk_update(changed_certs, cert_fields, batch_size=200)
    Certification.objects.bulk_create(new_others, batch_size=200)
    Certification.objects.bulk_update(changed_others, other_fields, batch_size=200)
    summary.add("certificates created", len(new_certs))


# --- home page ----------------------------------------------------------------------------

FEATURED_STALLS = ["banh-pia-huong-mai", "ca-phe-huong-hoa-xanh", "shan-tuyet-cao-bo", "nuoc-mam-ganh-dau"]


def _home(plans, products, stalls, today: datetime.date, summary: Summary) -> None:
    """Four stalls and eight products on the home page, only if an editor has chosen none."""

    home = HomePage.objects.first()
    if home is None:
        summary.notes.append("No home page: run manage.py migrate. Featured picks skipped.")
        return
    if not home.featured_stalls.exists():
        HomeFeaturedStall.objects.bulk_create(
            HomeFeaturedStall(page=home, stall=stalls[slug], sort_order=i) for i, slug in enumerate(FEATURED_STALLS)
        )
        summary.add("home: featured stalls", len(FEATURED_STALLS))
    if not home.featured_products.exists():
        # One in-stock product per stall with a valid 4- or 5-star certificate.
        # Stalls taken every fourth first, so the picks come from many provinces.
        order: dict[str, int] = {}
        for stall in catalog_data.STALLS[::4] + catalog_data.STALLS:
            order.setdefault(stall.slug, len(order))
        picked, seen = [], set()
        for plan in sorted(plans, key=lambda p: order[p.stall]):
            c = plan.certificate
            valid = c and c.stars >= 4 and c.status == "active" and default_expiry(c.decision_date) >= today
            if valid and plan.stock > 0 and plan.stall not in seen:
                picked.append(products[product_slug(plan.name)])
                seen.add(plan.stall)
            if len(picked) == 8:
                break
        HomeFeaturedProduct.objects.bulk_create(
            HomeFeaturedProduct(page=home, product=p, sort_order=i) for i, p in enumerate(picked)
        )
        summary.add("home: featured products", len(picked))
