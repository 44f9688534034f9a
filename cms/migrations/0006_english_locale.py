from django.db import migrations


def forwards(apps, schema_editor):
    pass  # filled in by the CMS issue's work


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_four_eyes_task")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
