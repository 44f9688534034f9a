"""``manage.py seed_demo``: the whole demo catalogue, loaded twice.

One test on purpose: a run draws ~240 pictures and saves 600 products, so both runs and
every check share it. Pictures are drawn at 200 px to keep it quick.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone
from vietnamadminunits import convert_address
from wagtail.images import get_image_model

from catalog import renditions
from catalog.models import Certification, OcopCertificate, Product, ProductImage
from cms.models import HomeFeaturedProduct, HomeFeaturedStall
from demo import catalog_data
from producers.models import OfficerProfile, Producer, Province, Stall
from reviews.models import Review
from traceability.models import Batch


def snapshot():
    return {
        "stalls": Stall.objects.count(),
        "producers": Producer.objects.count(),
        "products": Product.objects.count(),
        "images": get_image_model().objects.count(),
        "product images": ProductImage.objects.count(),
        "certificates": OcopCertificate.objects.count(),
        "certifications": Certification.objects.count(),
        "users": get_user_model().objects.count(),
        "featured stalls": HomeFeaturedStall.objects.count(),
        "featured products": HomeFeaturedProduct.objects.count(),
        "product ids": sorted(Product.objects.values_list("pk", flat=True)),
        "batches": sorted(Batch.objects.values_list("trace_code", flat=True)),
        "reviews": Review.objects.count(),
        "sold": sorted(Product.objects.filter(sold_count__gt=0).values_list("pk", "sold_count")),
    }


@pytest.mark.django_db
def test_seed_demo_loads_the_catalogue_once_and_a_second_run_changes_nothing(settings):
    # `make demo PORT=8123`: the runner's SITE_URL is the address printed.
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    assert not Province.objects.exists()  # the command loads the 2025 units itself
    first_out = StringIO()
    call_command("seed_demo", image_size=200, allow_production=True, stdout=first_out)
    first = snapshot()
    second_out = StringIO()
    call_command("seed_demo", image_size=200, allow_production=True, stdout=second_out)
    assert snapshot() == first
    assert "images drawn" in first_out.getvalue()
    assert "images drawn" not in second_out.getvalue()
    assert "products created" not in second_out.getvalue()
    assert "demo12345" in first_out.getvalue() and "http://127.0.0.1:8123/admin/" in first_out.getvalue()
    for username, *_rest in catalog_data.DEMO_USERS:
        assert f"  {username} " in first_out.getvalue()

    # The first page of the product list shows buyers' stars and "đã bán"; one review waits.
    assert Product.objects.filter(rating_count__gt=0, sold_count__gt=0).count() >= 7
    assert Review.objects.filter(status="pending").count() == 1
    assert Review.objects.exclude(reply="").exists()

    # 30 verified, published stalls; 600 published products, 20 per stall.
    assert Stall.objects.published().count() == 30
    assert Producer.objects.filter(verification=Producer.Verification.VERIFIED).count() == 30
    assert set(Producer.objects.values_list("kind", flat=True)) == set(Producer.Kind.values)
    assert not Producer.objects.filter(tax_code="", personal_id="").exists()
    assert Product.objects.published().count() == 600
    per_stall = Product.objects.values("producer").annotate(n=Count("pk"))
    assert {row["n"] for row in per_stall} == {20}
    assert Product.objects.values("name").distinct().count() == 600
    assert Product.objects.values("origin_province").distinct().count() >= 10
    assert not Product.objects.exclude(description__startswith="<p>").exists()
    assert not Product.objects.filter(Q(price__lt=1_000) | Q(search_text="")).exists()
    assert not Product.objects.filter(published_at__gt=timezone.now()).exists()
    assert not Product.objects.exclude(origin_commune__province=F("origin_province")).exists()

    # Some out of stock; 1 or 2 pictures each, shared between pack sizes, never duplicated.
    assert 30 <= Product.objects.filter(stock=0).count() <= 70
    picture_counts = Product.objects.annotate(n=Count("images")).values_list("n", flat=True)
    assert set(picture_counts) == {1, 2}
    titles = get_image_model().objects.values("title").annotate(n=Count("pk"))
    assert not [row for row in titles if row["n"] > 1]
    assert get_image_model().objects.count() < 300
    # Their renditions made by the seed, as an upload makes them: no product page makes one
    # for its first visitor.
    Rendition = get_image_model().get_rendition_model()
    photos = set(ProductImage.objects.values_list("image_id", flat=True))
    for spec in renditions.SPECS["product"]:
        assert set(Rendition.objects.filter(filter_spec=spec).values_list("image_id", flat=True)) >= photos, spec
    logos = set(Stall.objects.exclude(logo=None).values_list("logo_id", flat=True))
    (logo_spec,) = renditions.SPECS["stall_logo"]
    assert logos and set(Rendition.objects.filter(filter_spec=logo_spec).values_list("image_id", flat=True)) >= logos

    # OCOP certificates on most products, some already expired (marked so or only past their date).
    today = timezone.localdate()
    certified = Product.objects.filter(ocop_certificates__isnull=False).distinct().count()
    assert 420 <= certified <= 540
    expired = OcopCertificate.objects.filter(Q(status=OcopCertificate.Status.EXPIRED) | Q(expires_on__lt=today))
    assert expired.exists()
    assert expired.filter(status=OcopCertificate.Status.ACTIVE).exists()
    assert set(OcopCertificate.objects.values_list("stars", flat=True)) == {3, 4, 5}
    assert not OcopCertificate.objects.filter(stars=5).exclude(level=OcopCertificate.Level.CENTRAL).exists()
    assert Certification.objects.exists()

    # Pre-2025 addresses match the 2025 commune the stall is filed under.
    legacy = Stall.objects.exclude(legacy_address="")
    assert legacy.count() >= 10
    for stall in legacy:
        assert convert_address(stall.legacy_address).ward_code == stall.commune_id, stall.slug

    # The demo accounts.
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    for username, _name, _role, group, _superuser in catalog_data.DEMO_USERS:
        user = User.objects.get(username=username)
        assert group is None or user.groups.filter(name=group).exists()
        assert user.check_password("demo12345")
    officer2 = OfficerProfile.objects.get(user__username="officer2")
    assert set(officer2.communes.all()) == set(OfficerProfile.objects.get(user__username="officer").communes.all())
    farmer = User.objects.get(username="farmer")
    assert Producer.objects.filter(owner=farmer).count() == 1
    officer = User.objects.get(username="officer")
    profile = OfficerProfile.objects.get(user=officer)
    assert profile.communes.exists()
    assert (
        Producer.objects.filter(officer=officer).count()
        == Stall.objects.filter(commune__in=profile.communes.all()).count()
    )
    assert Producer.objects.visible_to(officer).count() < 30

    # Production batches with their events for products of several stalls.
    assert Batch.objects.published().values("product__producer").distinct().count() >= 5

    # The home page's picks.
    # The Vietnamese home page's picks (its English translation has the same ones).
    vi = {"page__locale__language_code": "vi"}
    assert HomeFeaturedStall.objects.filter(**vi).count() == 4
    assert HomeFeaturedProduct.objects.filter(**vi).count() == 8
    assert HomeFeaturedStall.objects.count() == 8


@pytest.mark.django_db
def test_seed_demo_refuses_to_create_known_passwords_with_debug_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="demo12345"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()
