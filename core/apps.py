from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    """The bottom layer: text, phone numbers, money, names, roles, notifications, tasks,
    throttling and the page cache's generations and tags. It imports no other app of the
    project; every app may import it."""

    name = "core"
    verbose_name = "OCOP Market core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported when the app registry is ready: these load models (not allowed at app loading).
        from .page_tags import connect as connect_page_tags
        from .roles import connect as connect_roles
        from .text import clean_typed_text

        connect_page_tags()
        connect_roles()
        pre_save.connect(clean_typed_text, dispatch_uid="ocop_market_clean_typed_text")
