"""Application photos are private files until publication gives the catalog its public copy."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from catalog.models import ProductImage
from catalog.services import PUBLISHED_PHOTOS
from core import roles
from onboarding import services
from onboarding.models import Application, ApplicationPhoto
from tests.factories.onboarding import ApplicationFactory, ApplicationProductFactory
from tests.factories.producers import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def upload(name="anh-nha-ba-hanh-so-nha-12.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def files_under(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def uploaded(client, household, commune, officer, settings):
    """A household's application with one photo uploaded through the wizard."""
    app = ApplicationFactory(household=household, created_by=household, commune=commune, officer=officer)
    product = ApplicationProductFactory(application=app, name="Bánh pía sầu riêng")
    images_before = get_image_model().objects.count()
    public_before = set(files_under(settings.MEDIA_ROOT))
    client.force_login(household)
    url = reverse("onboarding:step", kwargs={"pk": app.pk, "step": "photos"})
    response = client.post(url, {"p": product.pk, "photos": [upload()]})
    assert response.status_code == 302
    return {
        "app": app,
        "product": product,
        "photo": product.photos.get(),
        "images_before": images_before,
        "public_before": public_before,
        "step_url": f"{url}?p={product.pk}",
    }


def test_an_uploaded_photo_is_a_private_file_with_a_random_name(uploaded, settings):
    photo = uploaded["photo"]
    assert photo.image is None and photo.file
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / photo.file.name).is_file()
    assert "nha-ba-hanh" not in photo.file.name and photo.file.name.startswith("onboarding/photos/")
    # Nothing new under the public media path, no Wagtail image (nor its admin API entry).
    assert set(files_under(settings.MEDIA_ROOT)) == uploaded["public_before"]
    assert get_image_model().objects.count() == uploaded["images_before"]


def test_the_photo_is_served_only_to_who_may_see_the_application(uploaded, client, household, officer, commune):
    url = reverse("onboarding:photo", args=[uploaded["photo"].pk])
    page = client.get(uploaded["step_url"]).content.decode()
    assert url in page  # the wizard shows it through the checked view

    for user in (household, officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert Image.open(io.BytesIO(response.content)).size == (240, 240)
        assert client.get(url + "?size=full").status_code == 200

    for user in (OfficerFactory().user, UserFactory(groups=[roles.FARMER])):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_removing_a_photo_deletes_its_private_file(uploaded, client, settings):
    photo = uploaded["photo"]
    path = Path(settings.PRIVATE_MEDIA_ROOT) / photo.file.name
    with pytest.MonkeyPatch.context():
        url = reverse("onboarding:step", kwargs={"pk": uploaded["app"].pk, "step": "photos"})
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(url, {"p": uploaded["product"].pk, "action": "delete", "photo": photo.pk})
    assert not ApplicationPhoto.objects.filter(pk=photo.pk).exists()
    assert not path.exists()


def test_publication_gives_the_catalog_a_public_copy(uploaded, commune, settings):
    from tests.factories.onboarding import complete_application

    app = uploaded["app"]
    filled = complete_application(household=app.household, commune=commune, state=Application.State.IN_REVIEW)
    uploaded["product"].application = filled
    uploaded["product"].save()
    services.approve(filled, OfficerFactory(communes=[commune]).user)

    photo = ApplicationPhoto.objects.get(pk=uploaded["photo"].pk)
    assert photo.image is not None and photo.image.collection.name == PUBLISHED_PHOTOS
    assert ProductImage.objects.filter(image=photo.image, product__name="Bánh pía sầu riêng").exists()
    assert (Path(settings.MEDIA_ROOT) / photo.image.file.name).is_file()
    assert "nha-ba-hanh" not in photo.image.file.name


def test_the_migration_moves_draft_photos_out_of_the_public_media(household, commune, settings):
    import importlib

    from django.apps import apps

    from onboarding.uploads import save_product_photo

    migration = importlib.import_module("onboarding.migrations.0004_move_draft_photos_private")
    draft = ApplicationProductFactory(application=ApplicationFactory(household=household, commune=commune))
    done = ApplicationProductFactory(
        application=ApplicationFactory(household=household, commune=commune, state=Application.State.PUBLISHED)
    )
    old = ApplicationPhoto.objects.create(product=draft, image=save_product_photo(upload(), title="Ảnh cũ"))
    kept = ApplicationPhoto.objects.create(product=done, image=save_product_photo(upload(), title="Đã đăng"))
    public_file = Path(settings.MEDIA_ROOT) / old.image.file.name
    assert public_file.is_file()

    migration.forward(apps, None)

    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.image is None and old.file and (Path(settings.PRIVATE_MEDIA_ROOT) / old.file.name).is_file()
    assert not public_file.exists() and not get_image_model().objects.filter(title="Ảnh cũ").exists()
    assert kept.image is not None and not kept.file  # published photos stay public

    migration.backward(apps, None)
    old.refresh_from_db()
    assert old.image is not None and not old.file
    assert (Path(settings.MEDIA_ROOT) / old.image.file.name).is_file()
