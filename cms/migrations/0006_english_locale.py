from django.db import migrations

# Page permissions the Editor group holds on the Wagtail root: every locale's home page
# sits directly under it, so an English translation made with "Translate" stays editable.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def forwards(apps, schema_editor):
    """The English locale next to the Vietnamese one, and editors allowed to translate.

    Wagtail's own migration created the first Locale from LANGUAGE_CODE ("vi"); both
    are ensured here so the migration is idempotent whatever ran before.
    """
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in ("vi", "en"):
        Locale.objects.get_or_create(language_code=code)

    # simple_translation's permission, made here rather than by depending on its
    # migration: databases that applied this migration while it was empty stay consistent.
    # create_permissions() finds it by content type and codename and leaves it alone.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="simple_translation", model="simpletranslation")
    Permission.objects.get_or_create(
        content_type=content_type, codename="submit_translation", defaults={"name": "Can submit translations"}
    )

    from core.roles import apply_roles

    apply_roles(apps)

    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    editor = Group.objects.filter(name="Editor").first()
    if root is None or editor is None:
        return
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editor, page_id=root.pk, permission=permission)


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_four_eyes_task")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
