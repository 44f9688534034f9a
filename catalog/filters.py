import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.widgets import FastCheckboxInput, FastHiddenInput, FastNumberInput, FastSelect, FastTextInput
from producers.models import Province, Stall

from . import queries

CHOICES_TIMEOUT = 300


def choices_cache_key(name: str, language: str) -> str:
    return f"catalog:choices:{name}:{language}"


def forget_cached_choices(*args, **kwargs) -> None:
    """Signal receiver: categories or provinces changed."""

    cache.delete_many(
        [choices_cache_key(name, code) for name in ("category", "province") for code, _label in settings.LANGUAGES]
    )


class CachedChoiceIterator(ModelChoiceIterator):
    """The options of a model select, as (value, label) pairs cached per language.

    Every catalog page shows the category and province selects; reading 60 rows for them
    on each request cost more than the page's products. Categories and provinces change
    rarely: saving or deleting one forgets the lists (catalog/apps.py), and a bulk load
    of administrative units shows after CHOICES_TIMEOUT at most. Validating a chosen value
    still reads the database.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = choices_cache_key(self.field.choices_cache_name, get_language())
        pairs = cache.get(key)
        if pairs is None:
            field = self.field
            pairs = [(str(field.prepare_value(obj)), str(field.label_from_instance(obj))) for obj in self.queryset]
            cache.set(key, pairs, CHOICES_TIMEOUT)
        yield from pairs

    def __len__(self):
        return sum(1 for _pair in self)

    def __bool__(self):
        return True


class CategoryChoiceField(forms.ModelChoiceField):
    iterator = CachedChoiceIterator
    choices_cache_name = "category"

    def label_from_instance(self, obj):
        return f"— {obj.display_name}" if obj.parent_id else obj.display_name


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


class ProvinceChoiceField(forms.ModelChoiceField):
    iterator = CachedChoiceIterator
    choices_cache_name = "province"


class ProvinceFilter(django_filters.ModelChoiceFilter):
    field_class = ProvinceChoiceField


class ProductFilter(django_filters.FilterSet):
    """The catalog's filters. A bad value leaves its field unfiltered and the form shows why."""

    SORTS = {
        "newest": ("-published_at", "-pk"),
        "price_asc": ("price", "pk"),
        "price_desc": ("-price", "pk"),
        # search_text starts with the folded name: "Đường" sorts with D and "bánh" with
        # "Bánh", where the raw name would put Đ after Z and lower case after upper.
        "name": ("search_text", "name", "pk"),
    }

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200, widget=FastTextInput)
    category = CategoryFilter(
        widget=FastSelect,
        label=_("Category"),
        queryset=queries.categories_for_filter(),
        to_field_name="slug",
        method="filter_category",
        empty_label=_("All categories"),
    )
    province = ProvinceFilter(
        widget=FastSelect,
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        field_name="producer__stall__province",
        empty_label=_("All provinces"),
    )
    # A plain ChoiceFilter: TypedChoiceFilter's field does not take empty_label.
    stars = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("OCOP stars"),
        choices=[("3", _("3 stars and more")), ("4", _("4 stars and more")), ("5", _("5 stars"))],
        method="filter_stars",
        empty_label=_("Any"),
    )
    min_price = django_filters.NumberFilter(
        label=_("Price from (₫)"),
        field_name="price",
        lookup_expr="gte",
        min_value=0,
        max_digits=15,
        decimal_places=0,
        widget=FastNumberInput,
    )
    max_price = django_filters.NumberFilter(
        label=_("Price to (₫)"),
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_digits=15,
        decimal_places=0,
        widget=FastNumberInput,
    )
    in_stock = django_filters.BooleanFilter(
        label=_("In stock only"), method="filter_in_stock", widget=FastCheckboxInput
    )
    producer = django_filters.ModelChoiceFilter(
        label=_("Stall"),
        queryset=Stall.objects.published(),
        to_field_name="slug",
        method="filter_producer",
        widget=FastHiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("Sort by"),
        choices=[
            ("newest", _("Newest")),
            ("price_asc", _("Price: low to high")),
            ("price_desc", _("Price: high to low")),
            ("name", pgettext_lazy("sort order", "Name")),
        ],
        method="filter_sort",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset  # applied in filter_queryset, after the other filters

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__in=[value.pk, *value.children.values_list("pk", flat=True)])

    def filter_stars(self, queryset, name, value):
        return queryset.min_stars(int(value))

    def filter_in_stock(self, queryset, name, value):
        return queryset.in_stock() if value else queryset

    def filter_producer(self, queryset, name, value):
        return queryset.filter(producer__stall=value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in filter_queryset, after relevance is known

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = getattr(self.form, "cleaned_data", {})
        if data.get("q"):
            # Last, on the filtered products: whether to look for typo matches depends on how
            # many of them the words find (catalog.search_backends).
            queryset = queries.search(queryset, data["q"])
        sort = data.get("sort") or ""
        if sort in self.SORTS:
            return queryset.order_by(*self.SORTS[sort])
        if data.get("q") and "relevance" in queryset.query.annotations:
            return queryset.order_by("-relevance", "-published_at", "-pk")
        return queryset.order_by(*self.SORTS["newest"])
