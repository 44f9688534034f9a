from django.apps import AppConfig


class OcopMarketConfig(AppConfig):
    """The project package as an app: its system checks, and the page cache's signals."""

    name = "ocop_market"
    verbose_name = "OCOP Market"

    def ready(self):
        from . import checks  # noqa: F401 -- registers the checks
        from .page_cache import connect_signals

        connect_signals()
        from django.db.models.signals import pre_save

        from .text import clean_typed_text

        pre_save.connect(clean_typed_text, dispatch_uid="ocop_market_clean_typed_text")
