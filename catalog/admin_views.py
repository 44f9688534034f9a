"""Wagtail admin viewsets for products and categories."""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count, ProtectedError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from core.money import format_vnd
from producers.admin_views import ChooserSearchForm, ProducerScopedForm, SafeExportIndexView, ScopedSnippetViewSet
from producers.models import Province

from . import queries
from .models import Category, Product, SearchSynonym


def _price(product):
    return format_vnd(product.price)


def _stall(product):
    return getattr(product.producer, "stall", None) or product.producer


class ProductFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.select_related("parent"))
    producer__stall__province = django_filters.ModelChoiceFilter(label=_("Province"), queryset=Province.objects.all())

    class Meta:
        model = Product
        fields = ["status", "category", "producer__stall__province"]


class CategoryFilterSet(WagtailFilterSet):
    parent = django_filters.ModelChoiceFilter(
        label=_("Parent group"), queryset=Category.objects.filter(parent__isnull=True)
    )

    class Meta:
        model = Category
        fields = ["parent"]


class ProductChooserSearchForm(ChooserSearchForm):
    def search(self, objects, query):
        # The folded copy: "banh pia" finds "Bánh pía" on every database.
        return queries.search(objects, query)


class ProductIndexView(SafeExportIndexView):
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queries.search(queryset, self.search_query)


class ProductViewSet(ScopedSnippetViewSet):
    model = Product
    index_view_class = ProductIndexView
    icon = "tag"
    menu_order = 320
    list_display = [
        "name",
        Column("stall", label=_("Stall"), accessor=_stall),
        "category",
        Column("price", label=_("Price"), accessor=_price, sort_key="price"),
        "stock",
        "status",
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    filterset_class = ProductFilterSet  # status, category, producer__stall__province
    list_select_related = ("producer__stall", "category__parent")
    search_fields = ["name", "slug"]
    ordering = "-updated_at"
    list_export = ["name", "slug", "producer", "category", "unit", "price", "stock", "status", "published_at"]
    chooser_filter_form_class = ProductChooserSearchForm
    chooser_columns = (
        Column("stall", label=_("Stall"), accessor=_stall),
        Column("price", label=_("Price"), accessor=_price),
    )

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("producer"),
                    FieldPanel("category", widget=forms.Select),
                    FieldPanel("name"),
                    FieldPanel("slug"),
                    FieldPanel("short_description"),
                    FieldPanel("description"),
                    MultiFieldPanel(
                        [
                            FieldRowPanel([FieldPanel("price"), FieldPanel("unit")]),
                            FieldRowPanel([FieldPanel("stock"), FieldPanel("weight_grams")]),
                        ],
                        heading=_("Price and stock"),
                    ),
                    FieldRowPanel([FieldPanel("origin_province"), FieldPanel("origin_commune")], heading=_("Origin")),
                    FieldRowPanel([FieldPanel("status"), FieldPanel("published_at")], heading=_("Status")),
                ],
                heading=_("Product"),
            ),
            ObjectList([InlinePanel("images", label=_("Images"))], heading=_("Images")),
            ObjectList(
                [
                    InlinePanel("ocop_certificates", label=_("OCOP certificates")),
                    InlinePanel("certifications", label=_("Other certifications")),
                ],
                heading=_("Certification"),
            ),
        ],
        base_form_class=ProducerScopedForm,
    )


class CategoryDeleteView(snippet_views.DeleteView):
    """A group that others are filed under cannot go: say so instead of failing."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, _("This group has sub-groups or products: move them before deleting it."))
            return redirect(self.get_success_url())


class CategoryViewSet(SnippetViewSet):
    """OCOP product groups: editors manage them, officers only look."""

    model = Category
    delete_view_class = CategoryDeleteView
    icon = "folder-open-inverse"
    menu_order = 330
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    list_display = [
        "name",
        "code",
        "parent",
        "name_en",
        Column("product_count", label=_("Products"), sort_key="product_count"),
        "sort_order",
    ]
    filterset_class = CategoryFilterSet
    search_fields = ["name", "name_en", "code", "slug"]
    ordering = "sort_order"
    panels = [
        FieldPanel("parent", widget=forms.Select),
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("criteria_version"),
    ]

    def get_queryset(self, request):
        return Category.objects.select_related("parent").annotate(product_count=Count("products"))


class SearchSynonymViewSet(SnippetViewSet):
    """Shoppers' spellings the storefront search reads as other words: editors keep the list."""

    model = SearchSynonym
    icon = "search"
    menu_order = 340
    copy_view_enabled = False
    search_backend_name = None
    list_display = ["typed", "means"]
    search_fields = ["typed", "means"]
    ordering = "typed"
    panels = [FieldPanel("typed"), FieldPanel("means")]
