"""Admin permissions for producers and stalls.

The policies are registered here, before any viewset asks for them (Wagtail would
otherwise create a model-wide fallback policy). The viewsets themselves are in
``producers/admin_views.py`` and shown in the "Catalog" menu by ``catalog/wagtail_hooks.py``.
"""

from wagtail.permissions import register_permission_policy

from .models import Producer, Stall
from .permissions import VisibleToPermissionPolicy

register_permission_policy(Producer, VisibleToPermissionPolicy(Producer), exact_class=True)
register_permission_policy(Stall, VisibleToPermissionPolicy(Stall), exact_class=True)
