"""A link from the Wagtail admin to the officer screens (they are storefront pages, not admin views)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class ReviewerMenuItem(MenuItem):
    def is_shown(self, request):
        # Officers and editors (not farmers) manage producers; the permission cache the admin
        # has already filled answers this without another query.
        return request.user.has_perm("producers.view_producer")


@hooks.register("register_admin_menu_item")
def register_onboarding_menu_item():
    return ReviewerMenuItem(_("Listing applications"), reverse_lazy("onboarding:queue"), icon_name="tasks", order=250)
