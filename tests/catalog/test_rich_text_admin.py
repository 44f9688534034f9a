"""Text a household typed on several lines opens in the Wagtail admin.

Publishing turns plain text into the rich text of a stall's story and a product's
description; Wagtail's editor must load it back (an unclosed ``<br>`` made the edit page
answer 500). The officers who correct listings open them: every stall and product of the
demo seed, and an approved multi-line application, each as an officer of its commune.
"""

import importlib
from collections import defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from catalog.models import Product
from core import roles
from core.text import plain_text_to_rich_text
from onboarding import services
from onboarding.models import Application
from producers.models import Stall
from tests.factories.catalog import ProductFactory
from tests.factories.onboarding import ApplicationPhotoFactory, ApplicationProductFactory, complete_application
from tests.factories.producers import CommuneFactory, OfficerFactory, StallFactory, UserFactory

pytestmark = pytest.mark.django_db

FEATURES = ["bold", "italic", "ol", "ul", "link"]
TYPED = "Bánh pía nhà làm.\r\nNhân sầu riêng & trứng muối <ngon>.\n\n\nMỗi hộp 4 cái.\n  \nGiao trong ngày."
repair_migration = importlib.import_module("catalog.migrations.0008_repair_rich_text_line_breaks")


def edit_url(obj) -> str:
    model = "producers_stall" if isinstance(obj, Stall) else "catalog_product"
    return reverse(f"wagtailsnippets_{model}:edit", args=[obj.pk])


def editor_loads(html: str) -> str:
    """What Wagtail's editor makes of ``html`` (raises on what it cannot load)."""
    converter = ContentstateConverter(features=FEATURES)
    return converter.to_database_format(converter.from_database_format(html))


def test_typed_text_becomes_paragraphs_the_editor_loads_and_stores_unchanged():
    html = plain_text_to_rich_text(TYPED)
    assert html == (
        "<p>Bánh pía nhà làm.<br/>Nhân sầu riêng &amp; trứng muối &lt;ngon&gt;.</p>"
        "<p>Mỗi hộp 4 cái.</p><p>Giao trong ngày.</p>"
    )
    assert "<br>" not in html
    # The round trip through the editor keeps every paragraph and line break.
    assert editor_loads(html).count("<p") == 3 and editor_loads(html).count("<br/>") == 1
    assert plain_text_to_rich_text("  \n ") == ""


def test_repair_migration_fixes_rows_published_with_bare_line_breaks():
    broken = linebreaks(escape(TYPED))  # what publishing wrote before
    assert "<br>" in broken
    with pytest.raises(Exception, match="Unmatched tags"):
        editor_loads(broken)
    stall = StallFactory(story=broken)
    product = ProductFactory(producer=stall.producer, description=broken)
    untouched = ProductFactory(description="<p>Một dòng.</p>")

    from django.apps import apps

    repair_migration.repair(apps, None)
    repair_migration.repair(apps, None)  # a second run changes nothing

    stall.refresh_from_db()
    product.refresh_from_db()
    for html in (stall.story, product.description):
        assert "<br>" not in html and "<br/>" in html
        editor_loads(html)
    assert product.description == stall.story
    assert Product.objects.get(pk=untouched.pk).description == "<p>Một dòng.</p>"


def test_officer_opens_an_approved_multi_line_application_in_the_admin(client):
    commune = CommuneFactory()
    officer = OfficerFactory(communes=[commune]).user
    household = UserFactory(groups=[roles.FARMER])
    app = complete_application(
        household=household, created_by=household, commune=commune, officer=officer, state=Application.State.IN_REVIEW
    )
    app.story = TYPED
    app.save()
    item = ApplicationProductFactory(application=app, name="Bánh pía hai dòng", description=TYPED)
    ApplicationPhotoFactory(product=item)
    services.approve(app, OfficerFactory(communes=[commune]).user)

    app.refresh_from_db()
    stall = Stall.objects.get(producer=app.producer)
    products = list(Product.objects.filter(producer=app.producer))
    assert len(products) == 2 and "<br/>" in stall.story
    client.force_login(officer)
    for obj in [stall, *products]:
        response = client.get(edit_url(obj))
        assert response.status_code == 200, obj
    body = client.get(edit_url(stall)).content.decode()
    assert "Giao trong ng" in body  # the editor got the text (JSON in an attribute), not an empty field

    # An officer of another commune cannot open them at all.
    client.force_login(OfficerFactory(communes=[CommuneFactory()]).user)
    assert client.get(edit_url(stall)).status_code in (302, 404)


@pytest.fixture
def demo_catalog(monkeypatch):
    """The demo seed's stalls and products (its own code and data), with one tiny picture for all.

    ``seed_demo`` itself also draws ~240 pictures and seeds pages, applications and orders:
    minutes, for nothing these pages show differently.
    """
    import io

    from PIL import Image

    from core.roles import apply_roles
    from demo import catalog_data as demo_data
    from demo import images as demo_images
    from demo.management.commands import seed_demo
    from producers.services import admin_units_load

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "JPEG")
    tiny = buffer.getvalue()
    for name in ("product_image", "logo_image", "cover_image"):
        monkeypatch.setattr(demo_images, name, lambda *args, **kwargs: tiny)
    apply_roles()
    admin_units_load()
    today = timezone.localdate()
    plans = demo_data.build_plan(today)
    summary = seed_demo.Summary()
    users = seed_demo._users(summary)
    stalls = seed_demo._stalls(seed_demo._images(plans, 8, summary), users, summary)
    seed_demo._products(plans, stalls, today, summary)
    return list(stalls.values())


def test_every_demo_stall_and_product_loads_in_the_admin_editor_for_an_officer_of_its_commune(client, demo_catalog):
    """All 630 rich texts through the editor's converter, and the edit page of every stall and
    every product opened by an officer of that stall's commune."""
    products = defaultdict(list)
    for product in Product.objects.filter(producer__stall__in=demo_catalog).order_by("pk"):
        products[product.producer_id].append(product)
    assert len(demo_catalog) == 30 and sum(map(len, products.values())) == 600
    for stall in demo_catalog:
        editor_loads(stall.story)
        for product in products[stall.producer_id]:
            editor_loads(product.description)

    by_commune = defaultdict(list)
    for stall in demo_catalog:
        by_commune[stall.commune_id].append(stall)
    opened = 0
    for in_commune in by_commune.values():
        client.force_login(OfficerFactory(communes=[in_commune[0].commune]).user)
        for stall in in_commune:
            for obj in (stall, *products[stall.producer_id]):
                response = client.get(edit_url(obj))
                assert response.status_code == 200, (obj, response.status_code)
                opened += 1
    assert opened == 630
