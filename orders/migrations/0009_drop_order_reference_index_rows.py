from django.db import migrations


def drop_order_rows(apps, schema_editor):
    """Orders are no longer in Wagtail's reference index: forget the rows indexed before."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    order_type = ContentType.objects.filter(app_label="orders", model="order").first()
    if order_type is not None:
        ReferenceIndex.objects.filter(base_content_type=order_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0008_buyer_accounts"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(drop_order_rows, migrations.RunPython.noop)]
