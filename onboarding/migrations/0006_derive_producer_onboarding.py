"""Record how existing producers were onboarded, from the stall application that made them.

A producer published from a NEW_STALL application is self-service when the household created
that application, assisted when an officer did. A producer without one (put on the storefront
before the workflow existed, or by an import) keeps an empty value: it was not recorded.
"""

from django.db import migrations
from django.db.models import F


def derive(apps, schema_editor):
    Application = apps.get_model("onboarding", "Application")
    Producer = apps.get_model("producers", "Producer")
    stall_apps = Application.objects.filter(kind="new_stall", producer__isnull=False, producer__onboarded_via="")
    self_service = stall_apps.filter(created_by=F("household")).values("producer")
    assisted = stall_apps.exclude(created_by=F("household")).values("producer")
    Producer.objects.filter(pk__in=self_service, onboarded_via="").update(onboarded_via="self_service")
    Producer.objects.filter(pk__in=assisted, onboarded_via="").update(onboarded_via="assisted")


def forget(apps, schema_editor):
    apps.get_model("producers", "Producer").objects.update(onboarded_via="")


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0005_household_needs_phone_replies"),
        ("producers", "0006_household_language_phone_onboarding"),
    ]

    operations = [migrations.RunPython(derive, forget)]
