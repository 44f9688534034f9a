from django.db import migrations


def forwards(apps, schema_editor):
    from core.roles import apply_roles

    apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0001_partners_and_runs"),
        ("producers", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
