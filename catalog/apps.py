from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        # Imported when the app registry is ready: these load models (not allowed at app loading).
        from producers.models import Province

        from . import changes, renditions
        from .filters import forget_cached_choices
        from .models import Category

        for model in (Category, Province):
            for signal in (post_save, post_delete):
                signal.connect(forget_cached_choices, sender=model, dispatch_uid=f"catalog_choices_{model.__name__}")
        changes.connect()
        renditions.connect()
