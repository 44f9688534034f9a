from django.db import migrations


def forwards(apps, schema_editor):
    from core.roles import apply_roles

    apply_roles(apps)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Officer", "Farmer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("producers", "0001_initial"),
        ("catalog", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
