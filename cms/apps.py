from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.signals import page_published, page_unpublished, post_page_move


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")

    def ready(self):
        # Data flows cms → catalog: catalog's price function asks the sources registered
        # here and never imports cms.
        from catalog.pricing import register_offer_change_source, register_offer_source

        from . import promotions
        from .models import PromotionIndexPage, PromotionPage

        register_offer_source(promotions.offers)
        register_offer_change_source(promotions.offers_changed)
        # Every product a promotion covers, before and after a change, gets its feed entry marked.
        pre_save.connect(promotions.promotion_before_save, sender=PromotionPage, dispatch_uid="cms_promotion_feed_pre")
        pre_delete.connect(
            promotions.promotion_before_save, sender=PromotionPage, dispatch_uid="cms_promotion_feed_delete"
        )
        post_save.connect(promotions.promotion_saved, sender=PromotionPage, dispatch_uid="cms_promotion_feed_post")
        self._connect_cache_invalidation()
        post_save.connect(
            promotions.index_workflow_saved, sender=PromotionIndexPage, dispatch_uid="cms_promotion_workflow"
        )
        _external_link_field_accepts_a_missing_url()

    def _connect_cache_invalidation(self):
        """Any change to pages, site settings, categories or view restrictions drops the cached reference data."""
        # Imported when the app registry is ready: these load models (not allowed at app loading).
        from catalog.models import Category

        from . import cache
        from .models import SiteSettings

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(cache.bump, dispatch_uid=f"cms_cache_{signal!r}")
        post_save.connect(cache.page_saved, dispatch_uid="cms_cache_page_saved")
        post_delete.connect(cache.page_saved, dispatch_uid="cms_cache_page_deleted")
        # Imported when the app registry is ready: these load models (not allowed at app loading).
        from wagtail.models import PageViewRestriction, Site

        # A site's hostname, port, root page or default flag: the sites kept by CachedSiteMiddleware.
        for model in (SiteSettings, Category, PageViewRestriction, Site):
            post_save.connect(cache.bump, sender=model, dispatch_uid=f"cms_cache_save_{model.__name__}")
            post_delete.connect(cache.bump, sender=model, dispatch_uid=f"cms_cache_delete_{model.__name__}")


def _external_link_field_accepts_a_missing_url():
    """Wagtail 8.0's link chooser answers 500 to a POST without its ``url`` field (its field calls
    ``None.startswith``); a missing URL is an empty one, which the form reports as required."""
    # Imported when the app registry is ready: these load models (not allowed at app loading).
    from wagtail.admin.forms.choosers import URLOrAbsolutePathField

    to_python = URLOrAbsolutePathField.to_python
    if getattr(to_python, "accepts_none", False):
        return

    def to_python_or_empty(self, value):
        return to_python(self, "" if value is None else value)

    to_python_or_empty.accepts_none = True
    URLOrAbsolutePathField.to_python = to_python_or_empty
