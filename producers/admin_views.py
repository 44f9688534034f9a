"""Wagtail admin viewsets for producers and stalls, and the row scoping they share.

Wagtail's generic views fetch their object with the model's default manager and check
only *model* permissions (``EditView``/``DeleteView`` through ``get_queryset()``,
``InspectView``/``CopyView`` through ``get_object()``, history and usage through
``get_base_object_queryset()``, choosers through ``get_object_list()``/``get_object()``).
The ``Scoped*`` views below route every one of those look-ups through the model's
permission policy (``producers.permissions.VisibleToPermissionPolicy``), so a row
outside the user's scope is missing from lists and choosers and its URLs answer 404.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from core import roles
from core.spreadsheet import SafeSpreadsheetExportMixin
from core.text import normalize
from core.widgets import FastSelect

from .models import Commune, OfficerProfile, Producer, Stall

ANY_ACTION = ["add", "change", "delete", "view"]


def scoped_queryset(model, user):
    """The rows of ``model`` the user may act on at all, per the model's permission policy."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ANY_ACTION)


# Object views: a row outside the scope is a 404, never a 403 that confirms it exists.


class ScopedEditView(snippet_views.EditView):
    def get_queryset(self):
        return scoped_queryset(self.model, self.request.user)


class ScopedDeleteView(snippet_views.DeleteView):
    def get_queryset(self):
        return scoped_queryset(self.model, self.request.user)


class ScopedCopyView(snippet_views.CopyView):
    def get_object(self, queryset=None):
        get_object_or_404(
            scoped_queryset(self.model, self.request.user), pk=unquote(str(self.kwargs[self.pk_url_kwarg]))
        )
        return super().get_object(queryset)


class ScopedInspectView(snippet_views.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(scoped_queryset(self.model, self.request.user), pk=unquote(str(self.pk)))


class ScopedHistoryView(snippet_views.HistoryView):
    def get_base_object_queryset(self):
        return scoped_queryset(self.model, self.request.user)


class ScopedUsageView(snippet_views.UsageView):
    def get_base_object_queryset(self):
        return scoped_queryset(self.model, self.request.user)


# Choosers (e.g. the home page's featured products, a product's producer).


class ChooserSearchForm(BaseFilterForm):
    """A search box for choosers of models that are not in Wagtail's search index."""

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )
    search_fields: tuple[str, ...] = ()

    def filter(self, objects):
        objects = super().filter(objects)
        query = normalize(self.cleaned_data.get("q") or "")
        if query:
            objects = self.search(objects, query)
            self.is_searching = True
            self.search_query = query
        return objects

    def search(self, objects, query):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": query})
        return objects.filter(condition)


class _ScopedChooseMixin:
    def get_object_list(self):
        viewset = self.model_class.snippet_viewset
        return viewset.get_queryset(self.request)

    def get_filter_form_class(self):
        return self.model_class.snippet_viewset.chooser_filter_form_class or super().get_filter_form_class()

    @property
    def columns(self):
        return [*super().columns, *self.model_class.snippet_viewset.chooser_columns]


class ScopedChooseView(_ScopedChooseMixin, chooser_views.ChooseView):
    pass


class ScopedChooseResultsView(_ScopedChooseMixin, chooser_views.ChooseResultsView):
    pass


class ScopedChosenView(chooser_views.SnippetChosenView):
    def get_object(self, pk):
        return scoped_queryset(self.model_class, self.request.user).get(pk=pk)


class ScopedChosenMultipleView(chooser_views.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return scoped_queryset(self.model_class, self.request.user).filter(pk__in=pks)


class ScopedChooserViewSet(chooser_views.SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class _PermissionCheckedMixin:
    """Wagtail's snippet choosers list every row to any admin user: ask for view or change."""

    def dispatch(self, request, *args, **kwargs):
        policy = ModelPermissionPolicy(self.model_class)
        if not policy.user_has_any_permission(request.user, ["view", "change"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PermissionCheckedChooserViewSet(chooser_views.SnippetChooserViewSet):
    """The chooser of a model some admin users may not see (officers, marketplace partners)."""

    choose_view_class = type("ChooseView", (_PermissionCheckedMixin, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "ChooseResultsView", (_PermissionCheckedMixin, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("ChosenView", (_PermissionCheckedMixin, chooser_views.SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "ChosenMultipleView", (_PermissionCheckedMixin, chooser_views.SnippetChosenMultipleView), {}
    )


class SafeExportIndexView(SafeSpreadsheetExportMixin, snippet_views.IndexView):
    """The listing whose CSV/XLSX export a person opens in a spreadsheet program."""


class ScopedSnippetViewSet(SnippetViewSet):
    index_view_class = SafeExportIndexView
    """A snippet viewset whose every view and chooser sees only the user's rows."""

    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_class = ScopedCopyView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    chooser_viewset_class = ScopedChooserViewSet
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    chooser_per_page = 20
    # Plain database search (icontains) on search_fields, whatever the model's index.
    search_backend_name = None

    list_select_related: tuple[str, ...] = ()
    chooser_filter_form_class = None
    chooser_columns: tuple = ()

    def get_queryset(self, request):
        queryset = scoped_queryset(self.model, request.user)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset


# Forms: a foreign key to a producer offers, and accepts, only the user's producers.


class ProducerScopedForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "producer" in self.fields and self.for_user is not None:
            self.fields["producer"].queryset = scoped_queryset(Producer, self.for_user)
        for name, field in self.fields.items():
            if getattr(field, "queryset", None) is not None and field.queryset.model is Commune:
                self._narrow_communes(name, field)

    # A commune field and the province field it must agree with.
    PROVINCE_OF = {"commune": "province", "origin_commune": "origin_province"}

    def _narrow_communes(self, name, field):
        """Only the communes and wards of the chosen province (plus the current one), not all
        3,321: a select an officer can use on a phone, and a page that renders in a tenth of
        the time. Each label names its province: read in the same query."""
        province_field = self.PROVINCE_OF.get(name)
        province_id = None
        if province_field in self.fields:
            if self.is_bound:
                province_id = self.data.get(self.add_prefix(province_field)) or None
            else:
                province_id = getattr(self.instance, f"{province_field}_id", None)
        queryset = field.queryset.select_related("province")
        if province_id:
            current = getattr(self.instance, f"{name}_id", None)
            queryset = queryset.filter(Q(province_id=province_id) | Q(pk=current))
        field.queryset = queryset
        field.widget = FastSelect(attrs=field.widget.attrs, choices=field.choices)


class ProducerForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        instance = self.instance
        if "officer" in self.fields:
            self.fields["officer"].queryset = User.objects.filter(
                Q(officer_profile__isnull=False) | Q(pk=instance.officer_id)
            ).order_by("username")
            # An officer's new producer is assigned to them, so it stays in their list
            # before it has a stall in one of their communes.
            if instance.pk is None and roles.is_officer(self.for_user):
                self.fields["officer"].initial = self.for_user.pk
        # A producer added in the admin was entered by staff for it: assisted, unless said otherwise.
        if "onboarded_via" in self.fields and instance.pk is None:
            self.fields["onboarded_via"].initial = Producer.Onboarding.ASSISTED
        if "owner" in self.fields:
            self.fields["owner"].queryset = (
                User.objects.filter(Q(groups__name=roles.FARMER) | Q(pk=instance.owner_id))
                .distinct()
                .order_by("username")
            )


class ProducerFilterForm(ChooserSearchForm):
    search_fields = ("legal_name", "representative", "tax_code", "personal_id", "stall__name")


class StallFilterForm(ChooserSearchForm):
    search_fields = ("name", "slug", "producer__legal_name")


class ProducerViewSet(ScopedSnippetViewSet):
    model = Producer
    icon = "group"
    menu_order = 300
    list_display = [
        "legal_name",
        "kind",
        Column("stall", label=_("Stall"), accessor="stall"),
        "verification",
        "officer",
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    list_filter = ["kind", "verification", "language", "no_smartphone", "onboarded_via"]
    list_select_related = ("stall", "officer")
    search_fields = ["legal_name", "representative", "tax_code", "personal_id"]
    ordering = "legal_name"
    list_export = [
        "legal_name",
        "kind",
        "representative",
        "tax_code",
        "personal_id",
        "verification",
        "language",
        "no_smartphone",
        "onboarded_via",
    ]
    chooser_filter_form_class = ProducerFilterForm
    chooser_columns = (Column("stall", label=_("Stall"), accessor="stall"),)

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("kind"),
                    FieldPanel("legal_name"),
                    FieldPanel("representative"),
                    FieldRowPanel([FieldPanel("tax_code"), FieldPanel("personal_id")]),
                ],
                heading=_("Identity"),
            ),
            MultiFieldPanel(
                [FieldPanel("owner"), FieldPanel("officer"), FieldPanel("verification")],
                heading=_("Account and assistance"),
            ),
            MultiFieldPanel(
                [FieldPanel("language"), FieldPanel("no_smartphone"), FieldPanel("onboarded_via")],
                heading=_("Household's needs"),
            ),
        ],
        base_form_class=ProducerForm,
    )


class StallViewSet(ScopedSnippetViewSet):
    model = Stall
    icon = "site"
    menu_order = 310
    list_display = [
        "name",
        "producer",
        "province",
        "commune",
        BooleanColumn("is_published", label=_("Published"), sort_key="is_published"),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    list_filter = ["province", "is_published"]
    list_select_related = ("producer", "province", "commune__province")
    search_fields = ["name", "slug", "phone", "producer__legal_name"]
    ordering = "name"
    list_export = ["name", "slug", "producer", "province", "commune", "phone", "is_published"]
    chooser_filter_form_class = StallFilterForm
    chooser_columns = (Column("province", label=_("Province"), accessor="province"),)

    edit_handler = ObjectList(
        [
            FieldPanel("producer"),
            MultiFieldPanel(
                [FieldPanel("name"), FieldPanel("slug"), FieldPanel("story")],
                heading=_("Shop window"),
            ),
            FieldRowPanel([FieldPanel("logo"), FieldPanel("cover")], heading=_("Images")),
            MultiFieldPanel(
                [
                    FieldPanel("phone"),
                    FieldRowPanel([FieldPanel("province"), FieldPanel("commune")]),
                    FieldPanel("street_address"),
                    FieldPanel("legacy_address"),
                ],
                heading=_("Contact and address"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("shipping_fee"), FieldPanel("free_shipping_over")]),
                    FieldPanel("delivers_itself"),
                    FieldRowPanel([FieldPanel("delivery_local_min"), FieldPanel("delivery_local_max")]),
                    FieldRowPanel([FieldPanel("delivery_near_min"), FieldPanel("delivery_near_max")]),
                    FieldRowPanel([FieldPanel("delivery_far_min"), FieldPanel("delivery_far_max")]),
                ],
                heading=_("Delivery"),
            ),
            FieldPanel("is_published"),
        ],
        base_form_class=ProducerScopedForm,
    )


class OfficerViewSet(SnippetViewSet):
    """Officers and the communes they serve: editors look, superusers assign."""

    model = OfficerProfile
    chooser_viewset_class = PermissionCheckedChooserViewSet
    icon = "user"
    menu_label = _("Officers")
    menu_order = 340
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    list_display = [
        "user",
        "team_name",
        "phone",
        Column("communes", label=_("Communes served"), accessor=lambda o: o.communes.count()),
    ]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team_name", "phone"]
    inspect_view_fields = ["user", "team_name", "phone", "communes"]
    panels = [FieldPanel("user"), FieldPanel("team_name"), FieldPanel("phone"), FieldPanel("communes")]

    def get_queryset(self, request):
        return OfficerProfile.objects.select_related("user").prefetch_related("communes")
