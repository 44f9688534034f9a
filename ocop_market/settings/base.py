"""Settings for every environment, read from environment variables in one place.

With no variable set the project runs on embedded defaults: SQLite, local-memory
cache, tasks run in-process. Production is the same file with other variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Required when DEBUG is off, but not to load the project: commands that sign nothing
# (makemigrations, compilemessages) run without it. The system check in ocop_market/checks.py
# and the WSGI/ASGI entry points refuse to go on without it; Django itself refuses to sign.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ocop_market",
    "core",
    "demo",
    "producers",
    "catalog",
    "cms",
    "onboarding",
    "orders",
    "feeds",
    "traceability",
    "reviews",
    # The Wagtail admin's Vietnamese catalogue: after the project's apps, before Wagtail's.
    "admin_vi",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ocop_market.middleware.ContentSecurityPolicyMiddleware",
    "ocop_market.middleware.RequestLogMiddleware",
    # NUL, bytes that are not UTF-8, over-long path segments: 400/404 before anything reads them.
    "ocop_market.middleware.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, minus reading a language it then overrides (ocop_market/middleware.py).
    "ocop_market.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After sessions, locale and CSRF, before the rest: anonymous storefront pages from the
    # cache, answered before the middleware below runs (ocop_market/page_cache.py).
    "ocop_market.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Wagtail's site for a CMS page from the cache, not a query per request (cms/middleware.py).
    "cms.middleware.CachedSiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocop_market.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # cart_count for the header, from the session (no query without a session).
                "orders.context_processors.cart",
            ],
        },
    },
]

WSGI_APPLICATION = "ocop_market.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"].get("ENGINE", "").endswith("postgresql"):
    # PostgreSQL compiles a plan it estimates expensive to machine code (JIT) first: at a
    # million products the storefront's searches and listing counts pass its threshold and
    # spend 100-300 ms compiling, more than they take to run. Off for the web's short queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's Redis backend, keeping its Redis client, and serving without Redis when it is
    # down: an error is a miss, one attempt (bounded by REDIS_TIMEOUT seconds) per
    # REDIS_RETRY_SECONDS at most (core/cache_backend.py).
    _redis_timeout = float(os.environ.get("REDIS_TIMEOUT", "0.25"))
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": _redis_timeout,
                "socket_timeout": _redis_timeout,
                "retry_seconds": float(os.environ.get("REDIS_RETRY_SECONDS", "5")),
                # A worker reads the page cache's stubs from its own copy, invalidated by Redis
                # (CLIENT TRACKING), and asks Redis again at least this often.
                "tracking_seconds": float(os.environ.get("REDIS_TRACKING_SECONDS", "0.1")),
            },
        }
    }
    # Sessions (carts included) read from Redis, written through to the database; from the
    # database alone while Redis is down.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole storefront pages for anonymous visitors, dropped when what they show changes
# (ocop_market/page_cache.py); 0 turns the page cache off. On by default with Redis only:
# a local-memory cache is one per process, and a change seen by one gunicorn worker would
# not drop the pages the others keep.
STOREFRONT_CACHE_SECONDS = int(os.environ.get("STOREFRONT_CACHE_SECONDS", "600" if REDIS_URL else "0"))
STOREFRONT_CACHED_VIEWS = frozenset(
    {
        "catalog:product-list",
        "catalog:product-detail",
        "catalog:stall-list",
        "catalog:stall-detail",
        "traceability:trace",
        "traceability:digital-link",
        "wagtail_serve",
    }
)

# Background jobs (core/tasks.py): Celery on Redis when REDIS_URL is set; otherwise, or
# when the broker is unreachable, a bounded worker in each process (TASKS_THREADS threads, at
# most TASKS_QUEUE_SIZE waiting tasks). Periodic jobs without Redis: cron, see the README.
TASKS_INLINE = False
TASKS_THREADS = int(os.environ.get("TASKS_THREADS", "2"))
TASKS_QUEUE_SIZE = int(os.environ.get("TASKS_QUEUE_SIZE", "200"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "feeds-push-daily": {
        "task": "feeds.tasks.push_all_partners",
        "schedule": crontab(hour=int(os.environ.get("FEEDS_PUSH_HOUR", "2")), minute=30),
    },
    # OCOP certificates: reminders 90 and 30 days ahead, expiry (badge removed) on the day.
    "onboarding-certificates-daily": {
        "task": "onboarding.tasks.certificate_reminders",
        "schedule": crontab(hour=1, minute=15),
    },
    # Online payments not completed in ORDER_PAYMENT_TIMEOUT_MINUTES release their stock.
    "orders-release-expired": {
        "task": "orders.tasks.release_expired_reservations",
        "schedule": crontab(minute="*/5"),
    },
}
# Push client: retries on connection errors and 5xx, waiting BACKOFF * 2**n seconds before retry n+1.
FEEDS_PUSH_RETRIES = int(os.environ.get("FEEDS_PUSH_RETRIES", "3"))
FEEDS_PUSH_BACKOFF = float(os.environ.get("FEEDS_PUSH_BACKOFF", "0.5"))
FEEDS_PUSH_TIMEOUT = (5, 30)  # connect, read (seconds)
# Pushes to loopback: only the test suite turns this on (core/outbound.py); never from the
# environment, and the deploy check refuses it with DEBUG off.
OUTBOUND_ALLOW_LOOPBACK = False
# Product changes are pushed incrementally at most once per this many seconds (debounce).
FEEDS_PUSH_DEBOUNCE = int(os.environ.get("FEEDS_PUSH_DEBOUNCE", "60"))

# Login throttling (django-axes, database-backed): after AXES_FAILURE_LIMIT failed logins
# for one user name from one address, that pair is locked out for AXES_COOLOFF_MINUTES,
# on the storefront's login and the admin's alike. Behind a reverse proxy, REMOTE_ADDR is
# the proxy's: set it from X-Forwarded-For there (see the README's deployment section).
AUTHENTICATION_BACKENDS = [
    "ocop_market.auth.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ocop_market.views.account_locked"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Khmer for the households of the Mekong delta who read little Vietnamese: the interface only.
LANGUAGES = [("vi", _("Vietnamese")), ("km", _("Khmer")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ocop_market.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Certificate scans and identity documents: outside MEDIA_ROOT, never at a public URL;
# served only by a view that checks who asks (onboarding/document_views.py).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

# Uploads on S3-compatible storage when AWS_STORAGE_BUCKET_NAME is set (public media under
# AWS_LOCATION, private files under AWS_PRIVATE_LOCATION or in their own bucket), in the two
# folders above otherwise; static files on whitenoise either way. MEDIA_ORIGINS: where public
# media is served from besides the site, for the Content-Security-Policy.
from ocop_market.storage_settings import storage_settings  # noqa: E402

STORAGES, _storage_extra = storage_settings(os.environ, debug=DEBUG)
MEDIA_ORIGINS = _storage_extra["MEDIA_ORIGINS"]

# Households and officers sign in with their phone on the site; the Wagtail admin keeps its own sign-in.
LOGIN_URL = "onboarding:login"

WAGTAIL_SITE_NAME = "OCOP Market"
# The site's absolute URL (feeds, e-mails, sitemaps): required when DEBUG is off (ocop_market/checks.py).
SITE_URL = os.environ.get("SITE_URL", "").strip()
WAGTAILADMIN_BASE_URL = SITE_URL or "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt"]
# Pages exist in Vietnamese (the default tree, served without a prefix) and English (/en/).
# Khmer is an interface language only: /km/ serves the Vietnamese pages with Khmer menus
# and buttons (Locale.get_active() falls back to the default), so no Khmer tree to keep up.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [(code, name) for code, name in LANGUAGES if code != "km"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_RESET_ENABLED = True

PAGE_SIZE = 24

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin frame; other sites may not frame it.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer probes over plain HTTP; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OCOP Market <no-reply@ocop.local>")

# Notifications (e-mail or SMS) go through one pluggable sender: core/notify.py.
# "console" logs them (development), "email" sends mail via EMAIL_BACKEND; a dotted path
# names any class with ``send(message)``.
NOTIFY_SENDER = os.environ.get("NOTIFY_SENDER", "console")

# The TrueType font of the Khmer letters on printed receipts; empty: Noto Sans Khmer from the
# fontpkg-noto-sans-khmer package (onboarding/receipt.py).
PDF_KHMER_FONT = os.environ.get("PDF_KHMER_FONT", "")

# Uploads (product photos, certificate scans, spreadsheets): content-checked, at most this size.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

# Payments. A Stripe-compatible PaymentIntents API (localstripe in tests and the demo).
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "http://127.0.0.1:12111")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Card details are typed into Stripe.js, loaded from this URL (Stripe's in production,
# localstripe's stand-in "<localstripe>/js.stripe.com/v3/" in tests and the demo), with the
# publishable key; the card number goes from the browser to the provider, never to this site.
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
STRIPE_TIMEOUT = (  # connect, read (seconds)
    float(os.environ.get("STRIPE_CONNECT_TIMEOUT", "3")),
    float(os.environ.get("STRIPE_READ_TIMEOUT", "20")),
)
STRIPE_RETRIES = int(os.environ.get("STRIPE_RETRIES", "2"))
# The checkout asks whether the card server answers before offering cards: a short wait, its
# answer kept for a few seconds (orders.payments.card_payments_available).
STRIPE_PING_TIMEOUT = float(os.environ.get("STRIPE_PING_TIMEOUT", "1"))
# SePay's bank-transaction webhook (POST /payments/sepay/webhook) confirms VietQR transfers to
# the platform's account; it authenticates with "Authorization: Apikey <this key>". Empty: refused.
SEPAY_WEBHOOK_API_KEY = os.environ.get("SEPAY_WEBHOOK_API_KEY", "")
# The platform's own account for VietQR transfers collected by the platform.
PLATFORM_BANK_BIN = os.environ.get("PLATFORM_BANK_BIN", "970436")  # Vietcombank
PLATFORM_BANK_ACCOUNT = os.environ.get("PLATFORM_BANK_ACCOUNT", "0011004000000")
PLATFORM_BANK_HOLDER = os.environ.get("PLATFORM_BANK_HOLDER", "CONG TY OCOP MARKET")
# Unpaid online orders release their stock after this many minutes.
ORDER_PAYMENT_TIMEOUT_MINUTES = int(os.environ.get("ORDER_PAYMENT_TIMEOUT_MINUTES", "30"))
# Tax withheld by the platform for household and individual sellers (Decree 117/2025/ND-CP),
# as decimal strings: goods are 1% VAT and 0.5% personal income tax.
TAX_WITHHOLDING_VAT_RATE = os.environ.get("TAX_WITHHOLDING_VAT_RATE", "0.01")
TAX_WITHHOLDING_PIT_RATE = os.environ.get("TAX_WITHHOLDING_PIT_RATE", "0.005")
# The same decree's rates for transport: a shipping fee earned by a household that delivers
# itself is withheld at 3% VAT and 1.5% PIT; a fee passed on to a carrier is not its revenue.
TAX_WITHHOLDING_TRANSPORT_VAT_RATE = os.environ.get("TAX_WITHHOLDING_TRANSPORT_VAT_RATE", "0.03")
TAX_WITHHOLDING_TRANSPORT_PIT_RATE = os.environ.get("TAX_WITHHOLDING_TRANSPORT_PIT_RATE", "0.015")

# Of the successful requests faster than LOG_REQUESTS_SLOW_MS, the share logged (errors and
# slow ones always are): 0.1 keeps one line in ten on a busy site (ocop_market/middleware.py).
LOG_REQUESTS_SAMPLE = float(os.environ.get("LOG_REQUESTS_SAMPLE", "1"))
LOG_REQUESTS_SLOW_MS = float(os.environ.get("LOG_REQUESTS_SLOW_MS", "1000"))
# While one request renders a storefront page, the others asking for it wait this long at
# most for it instead of rendering it too (ocop_market/page_cache.py); 0: no waiting.
STOREFRONT_COLLAPSE_SECONDS = float(os.environ.get("STOREFRONT_COLLAPSE_SECONDS", "2"))

# Every line carries the request id (``-`` outside a request); ``ocop_market.request`` logs
# one key=value line per request unless LOG_REQUESTS is off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "ocop_market.middleware.RequestIdFilter"},
        # Private links, tokens and e-mail addresses never reach a log line (core/log_redaction.py).
        "redact": {"()": "core.log_redaction.RedactingFilter"},
    },
    "formatters": {
        "line": {"format": "%(asctime)s level=%(levelname)s logger=%(name)s %(request_id_field)s%(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact", "request_id"], "formatter": "line"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "ocop_market.request": {"level": "INFO" if env_bool("LOG_REQUESTS", True) else "WARNING"},
        # Django's own handlers (its DEBUG console, the development server's request lines) would
        # bypass the filters above: everything goes through the one console handler.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
