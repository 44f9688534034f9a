"""The "Marketplace partners" admin menu (Editors and superusers)."""

from wagtail.snippets.models import register_snippet

from .admin_views import PartnerViewSet

register_snippet(PartnerViewSet)
