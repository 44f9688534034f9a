from django.db import migrations


def forwards(apps, schema_editor):
    from producers.media_collections import apply_collection_permissions

    apply_collection_permissions(apps)


def backwards(apps, schema_editor):
    from producers.media_collections import COLLECTION_PERMISSIONS

    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for group_name, grants in COLLECTION_PERMISSIONS.items():
        GroupCollectionPermission.objects.filter(group__name=group_name, collection__name__in=list(grants)).delete()


class Migration(migrations.Migration):
    """Collections for CMS pictures and producers' photos, and the roles' permissions on them."""

    dependencies = [
        ("producers", "0003_bank_account_shipping"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
