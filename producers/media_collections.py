"""Where images and documents live, and which role may use which: Wagtail collection permissions.

Wagtail grants access to images and documents through ``GroupCollectionPermission`` rows
(a group, a collection, a permission), not through the model permissions of
``core/roles.py`` alone. The tree under Wagtail's root collection:

- "Trang chủ", "Khuyến mãi", "Tin tức": the CMS's pictures and documents (home page,
  promotion banners, article covers). Editors upload, choose, edit and delete there.
- "Ảnh nhà sản xuất": producers' and products' photos (stall logos and covers, product
  photos added in the admin; the demo pictures below it). Editors upload, choose and
  edit; officers may only upload, so they see and choose only their own uploads
  (Wagtail lets the uploader edit what they uploaded) and never another commune's.

Onboarding's application photos ("Ảnh hồ sơ") are not in this tree: no group gets any
permission on them here.

Applied by a data migration and re-applied by ``seed_demo``; idempotent.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from core.roles import EDITOR, OFFICER

CMS_COLLECTIONS = ("Trang chủ", "Khuyến mãi", "Tin tức")
PRODUCER_PHOTOS = "Ảnh nhà sản xuất"

_MANAGE_IMAGES = ("add_image", "change_image", "choose_image", "delete_image")
_MANAGE_DOCUMENTS = ("add_document", "change_document", "choose_document", "delete_document")

# group → collection → (app label, codename) of each permission granted on it (and below it).
COLLECTION_PERMISSIONS: dict[str, dict[str, list[tuple[str, str]]]] = {
    EDITOR: {
        **{
            name: [("wagtailimages", c) for c in _MANAGE_IMAGES] + [("wagtaildocs", c) for c in _MANAGE_DOCUMENTS]
            for name in CMS_COLLECTIONS
        },
        PRODUCER_PHOTOS: [("wagtailimages", c) for c in ("add_image", "change_image", "choose_image")],
    },
    OFFICER: {
        PRODUCER_PHOTOS: [("wagtailimages", "add_image")],
    },
}

# Wagtail's Collection is a treebeard materialised-path node (steplen 4, base 36).
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_STEPLEN = 4


def _step(n: int) -> str:
    digits = ""
    while n:
        n, rest = divmod(n, len(_ALPHABET))
        digits = _ALPHABET[rest] + digits
    return digits.rjust(_STEPLEN, "0")


def _child(Collection, parent, name: str):
    """``parent``'s child called ``name``, created if missing (with historical models too)."""
    children = Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    found = children.filter(name=name).first()
    if found is not None:
        return found
    last = children.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-_STEPLEN:], len(_ALPHABET)) + 1 if last else 1
    child = Collection.objects.create(name=name, path=parent.path + _step(number), depth=parent.depth + 1, numchild=0)
    Collection.objects.filter(pk=parent.pk).update(numchild=children.count())
    return child


def collection_get_or_create(name: str, apps=None, parent_name: str | None = None):
    """The collection ``name`` under Wagtail's root (or under ``parent_name``), created if missing."""

    Collection = (apps or global_apps).get_model("wagtailcore", "Collection")
    parent = Collection.objects.filter(depth=1).order_by("path").first()
    if parent is None:  # Wagtail's own migration creates the root collection
        parent = Collection.objects.create(name="Root", path=_step(1), depth=1, numchild=0)
    if parent_name is not None:
        parent = _child(Collection, parent, parent_name)
    return _child(Collection, parent, name)


def apply_collection_permissions(apps=None) -> None:
    """Create the collections and set each role's permissions on them; safe to run again.

    The permissions listed here are set exactly on these collections; other collections
    and other groups are left alone.
    """

    for label in ("wagtailimages", "wagtaildocs"):  # a fresh database has none yet
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps or global_apps)
    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    collections = {name: collection_get_or_create(name, apps) for name in (*CMS_COLLECTIONS, PRODUCER_PHOTOS)}
    managed = list(
        Permission.objects.filter(content_type__app_label__in=("wagtailimages", "wagtaildocs")).select_related(
            "content_type"
        )
    )
    for group_name, grants in COLLECTION_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for collection_name, perms in grants.items():
            collection = collections[collection_name]
            wanted = {p.pk for p in managed if (p.content_type.app_label, p.codename) in set(perms)}
            GroupCollectionPermission.objects.filter(
                group=group, collection=collection, permission__in=[p.pk for p in managed]
            ).exclude(permission__in=wanted).delete()
            for permission_id in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission_id=permission_id
                )
