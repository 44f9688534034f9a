"""The Finance group: platform staff who see the platform's bank account confirm money
received on it and refunds sent from it (``orders.confirm_platform_payment``)."""

from django.db import migrations

FINANCE_PERMISSIONS = [
    ("orders", "confirm_platform_payment"),
    ("orders", "view_order"),
    ("orders", "view_payment"),
    ("orders", "view_refund"),
]


def create_finance_group(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config("orders"), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Finance")
    for app_label, codename in FINANCE_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0002_card_attempt_outcome_and_finance"),
    ]

    operations = [migrations.RunPython(create_finance_group, migrations.RunPython.noop)]
