"""The three roles, as Django groups with model permissions.

Applied by a data migration and re-applied by ``seed_demo``; object-level scoping
(an officer sees only the communes they serve) is in ``Producer.objects.visible_to``
and the admin permission policies, not in these model permissions.
"""

ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    "Editor": [
        ("wagtailadmin", "access_admin"),
        ("producers", "view_producer"),
        ("producers", "add_producer"),
        ("producers", "change_producer"),
        ("producers", "view_stall"),
        ("producers", "add_stall"),
        ("producers", "change_stall"),
        ("producers", "view_officerprofile"),
        ("catalog", "view_category"),
        ("catalog", "add_category"),
        ("catalog", "change_category"),
        ("catalog", "delete_category"),
        ("catalog", "view_product"),
        ("catalog", "add_product"),
        ("catalog", "change_product"),
        ("catalog", "delete_product"),
        # Shoppers' spellings and synonyms the storefront search applies.
        ("catalog", "view_searchsynonym"),
        ("catalog", "add_searchsynonym"),
        ("catalog", "change_searchsynonym"),
        ("catalog", "delete_searchsynonym"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        # Wagtail's simple translation: "Translate" a page into English.
        ("simple_translation", "submit_translation"),
        ("feeds", "view_partner"),
        ("feeds", "add_partner"),
        ("feeds", "change_partner"),
        ("feeds", "delete_partner"),
        ("feeds", "view_feedrun"),
    ],
    "Officer": [
        ("wagtailadmin", "access_admin"),
        ("producers", "view_producer"),
        ("producers", "add_producer"),
        ("producers", "change_producer"),
        ("producers", "view_stall"),
        ("producers", "add_stall"),
        ("producers", "change_stall"),
        ("catalog", "view_category"),
        ("catalog", "view_product"),
        ("catalog", "add_product"),
        ("catalog", "change_product"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
    ],
    # Households work in the storefront's own screens (onboarding), not the admin.
    "Farmer": [],
}


def apply_roles(apps=None) -> None:
    """Create or update the groups; safe to run any number of times.

    Inside a migration (``apps`` given) a permission whose app is not migrated yet is
    skipped: a later migration that depends on that app applies the roles again.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    in_migration = apps is not None
    apps = apps or global_apps
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for app, code in perms:
            try:
                wanted.append(Permission.objects.get(content_type__app_label=app, codename=code))
            except Permission.DoesNotExist:
                if not in_migration:
                    raise
        group.permissions.set(wanted)
