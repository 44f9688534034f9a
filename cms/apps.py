from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")

    def ready(self):
        # Data flows cms → catalog: catalog's price function asks the sources registered
        # here and never imports cms.
        from catalog.pricing import register_offer_source

        from . import promotions
        from .models import PromotionIndexPage

        register_offer_source(promotions.offers)
        post_save.connect(
            promotions.index_workflow_saved, sender=PromotionIndexPage, dispatch_uid="cms_promotion_workflow"
        )
