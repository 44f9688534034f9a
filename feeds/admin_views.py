"""Wagtail admin for marketplace partners: edit, recent runs, rotate the token, push now."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.admin.widgets import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from core import tasks as core_tasks
from producers.admin_views import PermissionCheckedChooserViewSet

from . import services
from . import tasks as feed_tasks
from .models import Format, Partner

RECENT_RUNS = 15


class RecentRunsPanel(Panel):
    """The partner's latest feed runs, with links to rotate its token and push its feed."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "feeds/admin/recent_runs_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            partner = self.instance
            runs = list(partner.runs.order_by("-started_at", "-pk")[:RECENT_RUNS])
            context.update(
                partner=partner,
                runs=runs,
                rotate_url=reverse("wagtailsnippets_feeds_partner:rotate_token", args=[partner.pk]),
                push_urls=[
                    (Format(fmt).label, reverse("wagtailsnippets_feeds_partner:push", args=[partner.pk, fmt]))
                    for fmt in partner.formats
                ]
                if partner.push_url
                else [],
            )
            return context


class PartnerCreateView(snippet_views.CreateView):
    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "object", None) is None or not self.object.pk:
            return response
        # The token is shown once, on this page: never in a message or the session.
        token = services.partner_rotate_token(partner=self.object)
        edit_url = reverse("wagtailsnippets_feeds_partner:edit", args=[self.object.pk])
        context = {"partner": self.object, "token": token, "edit_url": edit_url, "created": True}
        return TemplateResponse(self.request, "feeds/admin/token.html", context)


class PartnerEditView(snippet_views.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Rotate token"),
                url=reverse("wagtailsnippets_feeds_partner:rotate_token", args=[self.object.pk]),
                icon_name="key",
                priority=30,
            )
        )
        return buttons


def _partner_for_change(request, pk):
    partner = get_object_or_404(Partner, pk=pk)
    if not ModelPermissionPolicy(Partner).user_has_permission(request.user, "change"):
        raise PermissionDenied
    return partner


def rotate_token(request, pk):
    partner = _partner_for_change(request, pk)
    context = {"partner": partner, "edit_url": reverse("wagtailsnippets_feeds_partner:edit", args=[pk])}
    if request.method == "POST":
        context["token"] = services.partner_rotate_token(partner=partner)
        return TemplateResponse(request, "feeds/admin/token.html", context)
    return TemplateResponse(request, "feeds/admin/confirm_rotate.html", context)


def push_now(request, pk, fmt):
    partner = _partner_for_change(request, pk)
    edit_url = reverse("wagtailsnippets_feeds_partner:edit", args=[pk])
    if fmt not in partner.formats or not partner.push_url:
        messages.error(request, _("This partner takes no push of that format."))
        return redirect(edit_url)
    if request.method == "POST":
        core_tasks.enqueue(feed_tasks.push_partner_feed, partner.pk, fmt)
        messages.success(request, _("The feed push has started; its run appears below when done."))
        return redirect(edit_url)
    context = {"partner": partner, "fmt": Format(fmt).label, "edit_url": edit_url}
    return TemplateResponse(request, "feeds/admin/confirm_push.html", context)


class PartnerViewSet(SnippetViewSet):
    model = Partner
    chooser_viewset_class = PermissionCheckedChooserViewSet
    icon = "globe"
    menu_label = gettext_lazy("Marketplace partners")
    menu_order = 600
    add_to_admin_menu = True
    add_view_class = PartnerCreateView
    edit_view_class = PartnerEditView
    list_display = [
        "name",
        Column("slug", label=gettext_lazy("Slug")),
        BooleanColumn("active", label=gettext_lazy("Active")),
        Column("formats", label=gettext_lazy("Formats"), accessor=lambda p: ", ".join(p.formats)),
        UpdatedAtColumn(),
    ]
    list_filter = ["active"]
    search_fields = ["name", "slug"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
                    FieldPanel("active"),
                    MultiFieldPanel(
                        [FieldPanel("format_google"), FieldPanel("format_csv"), FieldPanel("format_json")],
                        heading=gettext_lazy("Formats"),
                    ),
                    RecentRunsPanel(heading=gettext_lazy("Recent runs")),
                ],
                heading=gettext_lazy("Partner"),
            ),
            ObjectList(
                [
                    FieldPanel("categories"),
                    FieldPanel("provinces"),
                    FieldPanel("min_stars"),
                    InlinePanel(
                        "category_mappings", heading=gettext_lazy("Category mapping"), label=gettext_lazy("Mapping")
                    ),
                    InlinePanel(
                        "opt_ins", heading=gettext_lazy("Producers who agreed"), label=gettext_lazy("Producer")
                    ),
                ],
                heading=gettext_lazy("What it receives"),
            ),
            ObjectList(
                [
                    FieldPanel("push_url"),
                    FieldPanel("signing_secret"),
                    FieldRowPanel([FieldPanel("push_daily"), FieldPanel("push_on_change")]),
                ],
                heading=gettext_lazy("Push"),
            ),
        ]
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("rotate-token/<int:pk>/", rotate_token, name="rotate_token"),
            path("push/<int:pk>/<str:fmt>/", push_now, name="push"),
        ]
