"""Who is who: the groups, what each role means, and the one predicate per question.

Every permission check of the project asks a predicate here (``is_editor``,
``officer_profile``, ``sees_all_producers`` …) and every ``visible_to`` queryset starts
from them; no other module spells a group's name. The meanings:

- **Superuser** (``is_superuser``): may do whatever any role may, with no scope limit
  (``is_editor``, ``is_finance``, ``confirms_addresses`` are true); ``is_officer`` stays
  false unless they have an officer profile, since an officer's rows are a commune scope.
- **Editor** (group ``Editor``): platform staff for the content. Sees and manages every
  producer, stall, product, onboarding application, review and order; publishes CMS
  pages (with a second editor for promotions); manages feed partners.
- **Officer**: a user with an ``OfficerProfile`` (``user.officer_profile``), whose communes
  are their scope: the producers and stalls of those communes (and producers assigned to
  them), the applications there, the reviews of those stalls. The ``Officer`` group only
  grants the admin's model permissions: a group member without a profile has no communes,
  hence no scope, and is not an officer for these predicates.
- **Farmer** (group ``Farmer``): a household; manages its own producer, stall and
  applications (``Producer.owner``), in the storefront's own screens, not the admin.
- **Finance** (group ``Finance``, through the ``orders.confirm_platform_payment``
  permission): sees the platform's bank account, every order's payments and the
  settlement; confirms money received on the platform's account and refunds sent from it.
- **Moderators**: Wagtail's own group; approves promotions with the editors.
- ``is_staff`` gives no role: it only opens Django's own admin (``/django-admin/``). A
  buyer's account and a household's account without a group see only their own rows.

Group membership is read once per user object (one query) and kept on it, like Django's
``_perm_cache``; ``request.user`` is one object for the whole request, so a page asking
many predicates pays for one query. The officer profile is cached by Django's related
descriptor (a missing one too).

The model permissions of each group are below (``ROLE_PERMISSIONS``), applied by a data
migration and re-applied by ``seed_demo``; object-level scoping is in the ``visible_to``
querysets and the admin permission policies, which ask the predicates.

This module imports no other app of the project (it is the bottom layer).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

EDITOR = "Editor"
OFFICER = "Officer"
FARMER = "Farmer"
FINANCE = "Finance"
# Created by Wagtail's own migrations.
MODERATORS = "Moderators"

# The finance role is this permission (the Finance group has it; superusers have every one).
FINANCE_PERMISSION = "orders.confirm_platform_payment"

_GROUP_CACHE = "_roles_group_names"


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def group_names(user) -> frozenset[str]:
    """The names of the user's groups, read once per user object."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, _GROUP_CACHE, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _GROUP_CACHE, cached)
    return cached


def forget_groups(user) -> None:
    """Drop the cached group names (after the user's groups changed)."""
    user.__dict__.pop(_GROUP_CACHE, None)


def _groups_changed(sender, instance, action, reverse, **kwargs):
    # ``user.groups.add(…)`` and the like: the user object's cached names are stale.
    if not reverse and action.startswith("post_"):
        forget_groups(instance)


def connect() -> None:
    # Called from CoreConfig.ready(): the user model and its signals exist only once apps are loaded.
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(
        _groups_changed, sender=get_user_model().groups.through, dispatch_uid="core_roles_groups_changed"
    )


def in_group(user, name: str) -> bool:
    return name in group_names(user)


def is_superuser(user) -> bool:
    return _signed_in(user) and user.is_superuser


def is_editor(user) -> bool:
    """Editors and superusers: every producer, application, review and order."""
    return is_superuser(user) or in_group(user, EDITOR)


def officer_profile(user):
    """The user's ``OfficerProfile`` (their communes), or None."""
    if not _signed_in(user):
        return None
    return getattr(user, "officer_profile", None)


def is_officer(user) -> bool:
    """An officer: a user with an officer profile (superusers are not, unless they have one)."""
    return officer_profile(user) is not None


def is_farmer(user) -> bool:
    return in_group(user, FARMER)


def is_finance(user) -> bool:
    """Platform finance staff: the people who see the platform's bank account."""
    return _signed_in(user) and user.has_perm(FINANCE_PERMISSION)


def is_platform_staff(user) -> bool:
    """Who sees every order's payments and the monthly tax declaration: editors, finance, superusers."""
    return is_editor(user) or is_finance(user)


def sees_all_producers(user) -> bool:
    """No scope limits the producers, stalls, products, applications, reviews and orders the
    user manages (editors, superusers); others see their communes' (officers) or their own."""
    return is_editor(user)


def reviews_applications(user) -> bool:
    """The officer screens (review queue, assisted listing, bulk import, reviews' moderation):
    editors and officers; which rows, their scope says."""
    return is_editor(user) or is_officer(user)


def confirms_addresses(user) -> bool:
    """Confirming the 2025 commune of an ambiguous old address is an officer's act (they know
    the communes they serve); superusers may too. Editors may not."""
    return is_superuser(user) or is_officer(user)


def role_required(predicate):
    """A view decorator: signed in (else the login page), then ``predicate(user)`` (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    EDITOR: [
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
    OFFICER: [
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
    FARMER: [],
}


def apply_roles(apps=None) -> None:
    """Create or update the groups; safe to run any number of times.

    Inside a migration (``apps`` given) a permission whose app is not migrated yet is
    skipped: a later migration that depends on that app applies the roles again.
    """
    # At call time: auth's management module loads models, and models modules import this one.
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
