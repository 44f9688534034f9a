"""Generate a large catalog fast, for the feeds benchmark (``tests/bench/feeds.py``).

    manage.py bench_catalog --count 100000 [--stalls 200] [--prefix bench-] [--dry-run]

Products go round-robin over ``--stalls`` published stalls (created with the prefix,
spread over the provinces), so the first ``k`` stalls hold exactly ``k * count / stalls``
products; a few shared images are attached to every product (1 to 3 each) and two
products in three get an active OCOP certificate. Rows are written with
``bulk_create``: no ``save()``, no signals, so slugs, ``search_text``, ``published_at``
and certificate expiry are filled here; on PostgreSQL the tables are analyzed at
the end. Idempotent: rerunning tops the catalog up to
``--count`` products with the prefix.
"""

import datetime
import io

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from catalog import renditions
from catalog.models import Category, OcopCertificate, Product, ProductImage, search_title
from core.text import fold
from producers.models import Producer, Province, Stall

BATCH = 2000
NAMES = [
    "Bánh pía sầu riêng",
    "Cà phê Robusta rang mộc",
    "Nước mắm cá cơm 40 độ đạm",
    "Mật ong hoa cà phê",
    "Trà shan tuyết cổ thụ",
    "Gạo ST25 & gạo lứt",
    "Đường thốt nốt <nguyên chất>",
    "Khô cá lóc một nắng",
]
UNITS = ["hộp", "chai", "túi", "kg"]


class Command(BaseCommand):
    help = "Generate N bench products (bulk_create) across bench stalls, with shared images and certificates."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000, help="Products with the prefix to have in total.")
        parser.add_argument("--stalls", type=int, default=200, help="Bench stalls to spread them over.")
        parser.add_argument("--images", type=int, default=8, help="Shared images.")
        parser.add_argument("--prefix", default="bench-", help="Slug prefix of everything this command creates.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created, create nothing.")

    def handle(self, *args, count, stalls, images, prefix, dry_run, **options):
        if count < 0 or stalls < 1 or images < 1:
            raise CommandError("--count must be >= 0, --stalls and --images >= 1.")
        provinces = list(Province.objects.order_by("code"))
        if not provinces:
            raise CommandError("No provinces: run `manage.py load_admin_units` first.")
        existing = Product.objects.filter(slug__startswith=prefix).count()
        missing = max(count - existing, 0)
        if dry_run:
            self.stdout.write(f"Would create {missing} products ({existing} exist with the prefix {prefix!r}).")
            return
        with transaction.atomic():
            stall_rows = self._stalls(prefix, stalls, provinces)
            categories = self._categories(prefix)
            image_rows = self._images(prefix, images)
        started = timezone.now()
        created = self._products(prefix, existing, missing, stall_rows, categories, image_rows)
        if created and connection.vendor == "postgresql":
            # Fresh bulk rows have no planner statistics until autovacuum passes: without them
            # PostgreSQL plans the feed's keyset pages as if the tables were empty.
            with connection.cursor() as cursor:
                for model in (Product, ProductImage, OcopCertificate, Stall, Producer):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"{created} products created in {seconds:.1f} s; {existing + created} with prefix {prefix!r}."
        )

    # --- the supporting rows: few, created one by one ---------------------------------

    def _stalls(self, prefix, n, provinces):
        stalls = list(Stall.objects.filter(slug__startswith=f"{prefix}stall-").select_related("producer"))
        by_slug = {s.slug: s for s in stalls}
        result = []
        for i in range(n):
            slug = f"{prefix}stall-{i:04d}"
            stall = by_slug.get(slug)
            if stall is None:
                producer = Producer.objects.create(
                    kind=Producer.Kind.COOPERATIVE,
                    legal_name=f"HTX Đặc sản Bench {i:04d}",
                    representative="Nguyễn Văn Bench",
                    tax_code=f"{9_000_000_000 + i:010d}",
                    verification=Producer.Verification.VERIFIED,
                    onboarded_via=Producer.Onboarding.BULK,
                )
                province = provinces[i % len(provinces)]
                stall = Stall.objects.create(
                    producer=producer,
                    name=f"Gian hàng Bench {i:04d}",
                    slug=slug,
                    province=province,
                    commune=province.communes.first(),
                    is_published=True,
                    phone="0912345678",
                )
            result.append(stall)
        return result

    def _categories(self, prefix):
        leaves = list(Category.objects.filter(children__isnull=True).order_by("pk"))
        if leaves:
            return leaves
        parent = Category.objects.create(name="Thực phẩm (bench)", slug=f"{prefix}thuc-pham")
        return [
            Category.objects.create(name=f"Nhóm bench {k}", slug=f"{prefix}nhom-{k}", parent=parent) for k in range(4)
        ]

    def _images(self, prefix, n):

        Image = get_image_model()
        images = list(Image.objects.filter(title__startswith=f"{prefix}image-").order_by("title"))
        for k in range(len(images), n):
            buffer = io.BytesIO()
            PILImage.new("RGB", (800, 600), ((37 * k) % 256, (91 * k) % 256, (53 * k) % 256)).save(buffer, "JPEG")
            buffer.seek(0)
            images.append(
                Image.objects.create(title=f"{prefix}image-{k:02d}", file=ImageFile(buffer, name=f"{prefix}{k}.jpg"))
            )
        # What an upload does: their renditions made now, not by the first visitors of the
        # pages that show them (catalog/renditions.py).
        renditions.prepare([image.pk for image in images[:n]], "product")
        return images[:n]

    # --- the products: bulk ------------------------------------------------------------

    def _products(self, prefix, first, n, stalls, categories, images):
        now = timezone.now()
        today = timezone.localdate()
        decision = today - datetime.timedelta(days=200)
        created = 0
        for start in range(first, first + n, BATCH):
            indexes = range(start, min(start + BATCH, first + n))
            products = []
            for i in indexes:
                stall = stalls[i % len(stalls)]
                name = f"{NAMES[i % len(NAMES)]} {i}"
                short = "Đặc sản OCOP làm thủ công, đóng gói tại cơ sở."
                products.append(
                    Product(
                        producer_id=stall.producer_id,
                        category=categories[i % len(categories)],
                        name=name,
                        slug=f"{prefix}{i:07d}",
                        short_description=short,
                        description=f"<p>{short} Mẻ số {i} &amp; hương vị truyền thống.</p>",
                        unit=UNITS[i % len(UNITS)],
                        price=(30 + (i * 7) % 870) * 1000,
                        stock=0 if i % 10 == 0 else 5 + i % 100,
                        weight_grams=250 + (i % 8) * 125,
                        origin_province_id=stall.province_id,
                        status=Product.Status.PUBLISHED,
                        published_at=now,
                        search_text=fold(f"{name} {short} {stall.name} {stall.producer.legal_name}"),
                        search_title=search_title(name, str(categories[i % len(categories)])),
                    )
                )
            with transaction.atomic():
                Product.objects.bulk_create(products, batch_size=BATCH)
                # Primary keys come back on PostgreSQL and SQLite >= 3.35; look them up otherwise.
                if products and products[0].pk is None:
                    ids = dict(Product.objects.filter(slug__in=[p.slug for p in products]).values_list("slug", "pk"))
                    for p in products:
                        p.pk = ids[p.slug]
                product_images = [
                    ProductImage(product_id=p.pk, image=images[(i + k) % len(images)], sort_order=k)
                    for i, p in zip(indexes, products, strict=True)
                    for k in range(1 + i % 3)
                ]
                ProductImage.objects.bulk_create(product_images, batch_size=BATCH * 2)
                certificates = [
                    OcopCertificate(
                        product_id=p.pk,
                        stars=3 + i % 3,
                        decision_number=f"{i}/QĐ-UBND",
                        decision_date=decision,
                        expires_on=decision + datetime.timedelta(days=3 * 365),
                        level=OcopCertificate.Level.PROVINCE,
                        issuing_body="UBND tỉnh",
                        status=OcopCertificate.Status.ACTIVE,
                    )
                    for i, p in zip(indexes, products, strict=True)
                    if i % 3
                ]
                OcopCertificate.objects.bulk_create(certificates, batch_size=BATCH)
            created += len(products)
        return created
