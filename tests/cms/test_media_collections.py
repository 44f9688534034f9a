"""Editors (and officers, for producers' photos) use images and documents through collection permissions."""

import io
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import PromotionPage
from cms.promotions import BANNER_RENDITION
from core import roles
from producers.media_collections import CMS_COLLECTIONS, PRODUCER_PHOTOS, collection_get_or_create
from tests.factories.catalog import ProductFactory
from tests.factories.cms import home_page, promotion_index
from tests.factories.producers import CommuneFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _png(colour=(200, 30, 30), size=(60, 40)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(name="banner.png", colour=(200, 30, 30)):
    return SimpleUploadedFile(name, _png(colour), content_type="image/png")


def _modal(response) -> str:
    """The HTML of one of Wagtail's chooser modals (sent as JSON)."""
    assert response.status_code == 200
    return json.loads(response.content)["html"]


def _collection(name):
    return Collection.objects.get(name=name)


@pytest.fixture
def home():
    page = home_page()
    editor = Group.objects.get(name=roles.EDITOR)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=editor,
            page=page,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return page


def test_the_migration_builds_the_collection_tree():
    root = Collection.get_first_root_node()
    names = [c.name for c in root.get_children()]
    for name in (*CMS_COLLECTIONS, PRODUCER_PHOTOS):
        assert name in names
    # Running it again creates nothing new.
    count = Collection.objects.count()
    from producers.media_collections import apply_collection_permissions

    apply_collection_permissions()
    assert Collection.objects.count() == count


def test_editor_sees_the_image_library_and_uploads_into_the_promotions_collection(client, editor):
    client.force_login(editor)

    listing = client.get(reverse("wagtailimages:index"))
    assert listing.status_code == 200
    assert "Bạn không có quyền" not in listing.content.decode()

    form = client.get(reverse("wagtailimages:add"))
    assert form.status_code == 200
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Băng rôn Tết", "file": _upload(), "collection": _collection("Khuyến mãi").pk, "tags": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Băng rôn Tết")
    assert image.collection.name == "Khuyến mãi"
    assert image.uploaded_by_user == editor


def test_editor_uploads_a_document(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Thể lệ khuyến mãi",
            "file": SimpleUploadedFile("the-le.txt", "Thể lệ chương trình".encode(), content_type="text/plain"),
            "collection": _collection("Khuyến mãi").pk,
        },
    )
    assert response.status_code == 302
    assert get_document_model().objects.get(title="Thể lệ khuyến mãi").collection.name == "Khuyến mãi"
    assert client.get(reverse("wagtaildocs:index")).status_code == 200


def test_editor_chooses_an_uploaded_banner_and_the_published_promotion_shows_it(client, editor, home):
    index = promotion_index(home)
    product = ProductFactory()
    client.force_login(editor)
    client.post(
        reverse("wagtailimages:add"),
        {"title": "Băng rôn mùa xuân", "file": _upload(), "collection": _collection("Khuyến mãi").pk},
    )
    image = get_image_model().objects.get(title="Băng rôn mùa xuân")

    # The banner's chooser lists it and offers an upload form.
    chooser = _modal(client.get(reverse("wagtailimages_chooser:choose")))
    assert "Băng rôn mùa xuân" in chooser
    assert 'name="image-chooser-upload-file"' in chooser
    assert client.get(reverse("wagtailimages_chooser:chosen", args=[image.pk])).status_code == 200

    # A new promotion with that banner, submitted to the moderation workflow.
    url = reverse("wagtailadmin_pages:add", args=["cms", "promotionpage", index.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    for name in ("categories", "producers", "provinces"):
        data.pop(name, None)
    data.update(
        {
            "title": "Mừng Xuân",
            "slug": "mung-xuan",
            "banner": str(image.pk),
            "starts_at": "2020-01-01 00:00",
            "ends_at": "2099-01-01 00:00",
            "discount_value": "10",
            "body": "[]",
            "body-count": "0",
            "promoted_products-TOTAL_FORMS": "1",
            "promoted_products-0-product": str(product.pk),
            "promoted_products-0-ORDER": "1",
            "promoted_products-0-id": "",
            "promoted_products-0-DELETE": "",
            "action-submit": "action-submit",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = PromotionPage.objects.get(slug="mung-xuan")
    assert page.workflow_in_progress
    task_state = page.current_workflow_task_state

    second = UserFactory(username="bien-tap-2", groups=[roles.EDITOR])
    client.force_login(second)
    approve = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    assert client.post(approve, {"comment": ""}).status_code == 302
    page.refresh_from_db()
    assert page.live and page.banner_id == image.pk

    client.logout()
    html = client.get(page.url).content.decode()
    banner = image.get_rendition(BANNER_RENDITION)
    assert f'<div class="promo-banner"><img src="{banner.url}"' in html


def test_editor_cannot_see_onboarding_photos(client, editor):
    private = collection_get_or_create("Ảnh hồ sơ")
    get_image_model().objects.create(title="Ảnh hồ sơ nháp", file=_upload(), collection=private)
    client.force_login(editor)

    assert "Ảnh hồ sơ nháp" not in _modal(client.get(reverse("wagtailimages_chooser:choose")))
    assert "Ảnh hồ sơ nháp" not in client.get(reverse("wagtailimages:index")).content.decode()


def test_officer_uploads_a_product_photo_and_sees_only_their_own(client):
    commune = CommuneFactory()
    officer = OfficerFactory(communes=[commune]).user
    other = OfficerFactory(communes=[CommuneFactory()]).user
    photos = _collection(PRODUCER_PHOTOS)
    theirs = get_image_model().objects.create(
        title="Ảnh xã khác", file=_upload("khac.png"), collection=photos, uploaded_by_user=other
    )
    private = collection_get_or_create("Ảnh hồ sơ")
    get_image_model().objects.create(title="Ảnh hồ sơ xã khác", file=_upload("hs.png"), collection=private)
    client.force_login(officer)

    # Upload from the chooser of a product's photo: chosen at once.
    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Bánh pía nhân sầu riêng",
            "image-chooser-upload-file": _upload("pia.png", (10, 120, 10)),
            "image-chooser-upload-collection": photos.pk,
        },
    )
    assert response.status_code == 200
    assert json.loads(response.content)["step"] == "chosen"
    mine = get_image_model().objects.get(title="Bánh pía nhân sầu riêng")
    assert mine.collection == photos and mine.uploaded_by_user == officer

    listing = client.get(reverse("wagtailimages:index")).content.decode()
    assert "Bánh pía nhân sầu riêng" in listing
    assert "Ảnh xã khác" not in listing and "Ảnh hồ sơ xã khác" not in listing
    assert client.get(reverse("wagtailimages:edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("wagtailimages:edit", args=[theirs.pk])).status_code in (302, 403)
    chooser = _modal(client.get(reverse("wagtailimages_chooser:choose")))
    assert "Ảnh xã khác" not in chooser and "Ảnh hồ sơ xã khác" not in chooser
    assert client.get(reverse("wagtailimages_chooser:chosen", args=[theirs.pk])).status_code in (302, 403)


def test_officer_uploads_only_into_producers_photos(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Không được", "file": _upload(), "collection": _collection("Khuyến mãi").pk},
    )
    # With one collection allowed, Wagtail drops the field and files the upload there.
    assert response.status_code == 302
    assert get_image_model().objects.get(title="Không được").collection.name == PRODUCER_PHOTOS
    assert client.get(reverse("wagtaildocs:add")).status_code in (302, 403)
