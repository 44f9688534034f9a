"""Photos of applications not yet published: from public Wagtail images to private files.

Before, every uploaded photo became a Wagtail image in the "Ảnh hồ sơ" collection, a file
under the public media path named after the upload. For applications still in progress
(neither approved nor published) the photo moves to the private storage under a random
name, and the public image, its renditions and their files are deleted. Photos already
published, and catalog images an edit application started from, stay as they are.

Backwards: each private photo becomes a Wagtail image again (in "Ảnh hồ sơ", or the root
collection), and its private file is deleted.
"""

import io
import posixpath
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations

PHOTO_COLLECTION = "Ảnh hồ sơ"
DONE_STATES = ("approved", "published")


def _private():
    from catalog.models import private_storage

    return private_storage()


def forward(apps, schema_editor):
    ApplicationPhoto = apps.get_model("onboarding", "ApplicationPhoto")
    ProductImage = apps.get_model("catalog", "ProductImage")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    photos = (
        ApplicationPhoto.objects.filter(file="", image__collection__name=PHOTO_COLLECTION)
        .exclude(product__application__state__in=DONE_STATES)
        .select_related("image")
    )
    storage = _private()
    for photo in list(photos):
        image = photo.image
        if ProductImage.objects.filter(image=image).exists():
            continue  # already in the catalog
        if ApplicationPhoto.objects.filter(image=image).exclude(pk=photo.pk).exists():
            continue
        try:
            with default_storage.open(image.file.name, "rb") as file:
                data = file.read()
        except OSError:
            continue  # the file is gone: nothing to move
        extension = posixpath.splitext(image.file.name)[1].lower() or ".jpg"
        year = image.created_at.year if image.created_at else 2025
        photo.file.name = storage.save(f"onboarding/photos/{year}/{uuid.uuid4().hex}{extension}", ContentFile(data))
        photo.image = None
        photo.save(update_fields=["file", "image"])
        for rendition in Rendition.objects.filter(image=image):
            default_storage.delete(rendition.file.name)
        Rendition.objects.filter(image=image).delete()
        default_storage.delete(image.file.name)
        image.delete()


def backward(apps, schema_editor):
    from PIL import Image as PILImage

    ApplicationPhoto = apps.get_model("onboarding", "ApplicationPhoto")
    Image = apps.get_model("wagtailimages", "Image")
    Collection = apps.get_model("wagtailcore", "Collection")
    collection = Collection.objects.filter(name=PHOTO_COLLECTION).first() or Collection.objects.get(depth=1)
    storage = _private()
    for photo in list(ApplicationPhoto.objects.filter(image__isnull=True).exclude(file="")):
        with storage.open(photo.file.name, "rb") as file:
            data = file.read()
        width, height = PILImage.open(io.BytesIO(data)).size
        name = default_storage.save(f"original_images/{posixpath.basename(photo.file.name)}", ContentFile(data))
        image = Image.objects.create(
            title=f"Ảnh hồ sơ {photo.pk}",
            file=name,
            width=width,
            height=height,
            file_size=len(data),
            collection=collection,
        )
        old = photo.file.name
        photo.image, photo.file = image, ""
        photo.save(update_fields=["file", "image"])
        storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0003_private_application_photos"),
        ("catalog", "0006_listing_indexes_stored_search"),
    ]

    operations = [migrations.RunPython(forward, backward)]
