"""The "Catalog" admin menu: producers, stalls, products, categories, search synonyms and officers."""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

# Producer and Stall policies must be registered before their viewsets below.
import producers.wagtail_hooks  # noqa: F401
from producers.admin_views import OfficerViewSet, ProducerViewSet, StallViewSet
from producers.permissions import VisibleToPermissionPolicy

from .admin_views import CategoryViewSet, ProductViewSet, SearchSynonymViewSet
from .models import Product

register_permission_policy(Product, VisibleToPermissionPolicy(Product), exact_class=True)


class CatalogGroup(SnippetViewSetGroup):
    menu_label = _("Catalog")
    menu_icon = "tag"
    menu_order = 200
    items = (ProducerViewSet, StallViewSet, ProductViewSet, CategoryViewSet, SearchSynonymViewSet, OfficerViewSet)


register_snippet(CatalogGroup)
