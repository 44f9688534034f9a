from django.db import migrations


def forwards(apps, schema_editor):
    from catalog.ocop_groups import load_groups

    load_groups(apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
