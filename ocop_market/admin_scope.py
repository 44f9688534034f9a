"""The Wagtail admin's generic views, limited to what the user may see.

Wagtail's own bulk actions (``/admin/bulk/<app>/<model>/<action>/?id=…``) load any id and
list the ones the user may not act on *by name*, and its admin images API
(``/admin/api/main/images/<id>/``, ``…/documents/<id>/``) answers for any image or document
outside a restricted collection.
For an officer that named producers, stalls and products of other communes, and showed
other communes' application photos. Both ask ``visible_in_admin`` here instead:

- a model whose manager has ``visible_to(user)`` (producers, stalls, products): those rows;
- images and documents: what the collection permissions let the user choose, change or delete;
- pages: the pages the user may explore; other models: their permission policy's rows.

An id outside that answers 404, as the row-scoped edit views already do
(``producers/permissions.py``).
"""

from __future__ import annotations

from django.apps import apps
from django.http import Http404
from wagtail.admin.views.bulk_action import index as wagtail_bulk_action
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

ANY_ACTION = ["view", "choose", "change", "delete", "add"]


def visible_in_admin(user, model):
    """The rows of ``model`` the admin may show ``user``; None when there is no limit (superusers)."""
    if user.is_superuser:
        return None
    if issubclass(model, Page):
        return PagePermissionPolicy().explorable_instances(user)
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        return manager.visible_to(user)
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, ANY_ACTION)


def _pk_values(model, ids):
    field = model._meta.pk
    values = set()
    for raw in ids:
        try:
            values.add(field.to_python(raw))
        except Exception as exc:  # a malformed id is not an object of this model
            raise Http404 from exc
    return values


def bulk_action(request, app_label, model_name, action):
    """Wagtail's bulk action view, after checking every requested id is within the user's scope."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if bulk_action_registry.get_bulk_action_class(app_label, model_name, action) is None:
        raise Http404
    if request.user.is_authenticated:
        visible = visible_in_admin(request.user, model)
        ids = request.GET.getlist("id")
        if visible is not None and ids:
            if "all" in ids:
                # "Everything in the listing": Wagtail would take every row of the model.
                if not issubclass(model, Page) and visible.count() != model._default_manager.count():
                    raise Http404
            else:
                wanted = _pk_values(model, ids)
                if visible.filter(pk__in=wanted).count() != len(wanted):
                    raise Http404
    return wagtail_bulk_action(request, app_label, model_name, action)


class _ScopedAPIMixin:
    def get_queryset(self):
        queryset = super().get_queryset()
        visible = visible_in_admin(self.request.user, queryset.model)
        return queryset if visible is None else queryset.filter(pk__in=visible.values("pk"))


class ScopedImagesAdminAPIViewSet(_ScopedAPIMixin, ImagesAdminAPIViewSet):
    """The admin images API (used by the rich-text editor): only images the user may choose or edit."""


class ScopedDocumentsAdminAPIViewSet(_ScopedAPIMixin, DocumentsAdminAPIViewSet):
    """The admin documents API: only documents the user may choose or edit."""
