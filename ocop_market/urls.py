from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.documents import urls as wagtaildocs_urls

from catalog.sitemaps import sitemaps as catalog_sitemaps
from cms.sitemaps import PageSitemap
from ocop_market import admin_scope
from ocop_market import views as ocop_views
from ocop_market.health import healthz
from reviews import views as reviews_views

# sitemap.xml is an index of sections (pages, products and stalls per language), each
# paginated, since the catalog may hold more than a sitemap's 50,000 URLs.
SITEMAPS = {"pages": PageSitemap, **catalog_sitemaps()}

urlpatterns = [
    # For load balancers: not localized, no login, never cached.
    path("healthz", healthz, name="healthz"),
    # Wagtail's bulk actions, limited to the objects in the user's scope (before Wagtail's own route).
    path(
        "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/",
        never_cache(require_admin_access(admin_scope.bulk_action)),
        name="wagtail_bulk_action",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    # The language buttons of pages rendered before the switcher became links post here.
    path("i18n/setlang/", ocop_views.former_language_switch, name="former-language-switch"),
    # Partner feeds are not localized: outside i18n_patterns.
    path("feeds/product-reviews.xml", reviews_views.google_product_reviews, name="product-reviews-feed"),
    path("feeds/", include("feeds.urls")),
    # The payment provider's webhooks: not localized, no session, signature-checked.
    path("payments/", include("orders.webhook_urls")),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("", include("catalog.urls")),
    path("", include("onboarding.urls")),
    path("", include("orders.urls")),
    path("", include("reviews.urls")),
    path("", include("traceability.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler400 = "ocop_market.views.bad_request"
handler404 = "ocop_market.views.page_not_found"
handler500 = "ocop_market.views.server_error"
