from django.apps import AppConfig


class OcopMarketConfig(AppConfig):
    """The project package as an app: its system checks, and the page cache's signals."""

    name = "ocop_market"
    verbose_name = "OCOP Market"

    def ready(self):
        from . import checks  # noqa: F401 -- registers the checks
        from .page_cache import connect_signals

        connect_signals()
        _chooser_creates_only_with_a_form()


def _chooser_creates_only_with_a_form() -> None:
    """Wagtail's choosers offer "create" to whoever may add the model, even when the chooser
    has no creation form: a POST then fails on ``None.is_valid()`` (500). No form, no create."""
    from wagtail.admin.views.generic.chooser import CreationFormMixin

    may_add = CreationFormMixin.can_create
    if getattr(may_add, "needs_form", False):
        return

    def can_create(self):
        return self.get_creation_form_class() is not None and may_add(self)

    can_create.needs_form = True
    CreationFormMixin.can_create = can_create
