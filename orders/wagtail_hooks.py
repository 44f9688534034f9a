"""The "Orders" admin menu (editors and superusers)."""

from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin_views import OrderStaffPolicy, OrderViewSet
from .models import Order

# Registered before the viewset asks for it (Wagtail would otherwise make a model-wide one).
register_permission_policy(Order, OrderStaffPolicy(Order), exact_class=True)
register_snippet(OrderViewSet)
