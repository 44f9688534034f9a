"""Orders in the Wagtail admin: every order for editors and superusers; money and statuses read-only.

Orders are created by checkout only and never deleted (the ledger refers to them): the policy
grants "view" and "change" (buyer contact, address, note) to superusers and the Editor group.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from core import roles
from core.money import format_vnd

from .models import Order

ALLOWED_ACTIONS = frozenset({"view", "change"})


# Who may see every order: superusers, and users with the orders permission or the Editor role's
# catalogue permission. Permissions come from Django's per-request permission cache, which the
# admin's other menu items have already filled: asking costs no query on every admin page
# (a ``user.groups`` lookup would). The Editor role does not list orders permissions yet
# (core/roles.py), hence its distinctive "delete category" permission stands for the role.
ORDER_STAFF_PERMISSIONS = ("orders.view_order", "catalog.delete_category")


def is_order_staff(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or any(user.has_perm(perm) for perm in ORDER_STAFF_PERMISSIONS)


class OrderStaffPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action in ALLOWED_ACTIONS and is_order_staff(user)

    def users_with_any_permission(self, actions):
        if not ALLOWED_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[roles.EDITOR, roles.FINANCE]), is_active=True)
            .distinct()
        )


class OrderPartsPanel(Panel):
    """The order's stall parts and lines, read-only."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "orders/admin/order_parts_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            order = self.instance
            context["order"] = order
            context["groups"] = (
                list(order.groups.select_related("stall").prefetch_related("lines").order_by("pk")) if order.pk else []
            )
            return context


def _total(order):
    return format_vnd(order.total)


class OrderViewSet(SnippetViewSet):
    model = Order
    icon = "list-ul"
    menu_label = _("Orders")
    menu_name = "orders"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    list_filter = ["payment_status", "payment_method"]
    search_fields = ["number", "buyer_name", "buyer_phone", "buyer_email"]
    list_display = [
        "number",
        "buyer_name",
        Column("payment_method", label=_("Payment method"), accessor="get_payment_method_display"),
        Column("payment_status", label=_("Payment status"), accessor="get_payment_status_display"),
        Column("total", label=_("Total"), accessor=_total),
        DateColumn("created_at", label=_("Placed")),
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("number", read_only=True),
                    FieldPanel("payment_method", read_only=True),
                    FieldPanel("payment_status", read_only=True),
                    FieldPanel("payment_reference", read_only=True),
                    FieldPanel("subtotal", read_only=True),
                    FieldPanel("shipping_total", read_only=True),
                    FieldPanel("total", read_only=True),
                    FieldPanel("paid_at", read_only=True),
                    FieldPanel("reserved_until", read_only=True),
                ],
                heading=_("Order and payment"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("buyer_name"),
                    FieldPanel("buyer_phone", read_only=True),
                    FieldPanel("buyer_email"),
                    FieldPanel("street_address"),
                    FieldPanel("note"),
                ],
                heading=_("Buyer and delivery"),
            ),
            OrderPartsPanel(heading=_("Stall parts")),
        ]
    )

    def get_queryset(self, request):
        return Order.objects.select_related("province", "commune")
