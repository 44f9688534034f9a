"""What a household (and a buyer) sees: the sources and pages the Khmer checks cover.

Explicit lists, so that a new screen is added here on purpose: a source pattern makes its
catalogue entries required in Khmer; a page is rendered in Khmer and read for leftovers.
"""

# Templates and forms whose strings reach a household or a buyer (patterns as in the .po
# files' "#:" references, relative to the repository).
HOUSEHOLD_SOURCES = [
    "templates/base.html",
    "templates/400.html",
    "templates/404.html",
    "templates/account_locked.html",
    "templates/throttled.html",
    "templates/includes/*.html",
    "catalog/templates/catalog/*.html",
    "catalog/filters.py",
    "cms/templates/cms/*.html",
    "cms/templates/cms/includes/*.html",
    "onboarding/templates/onboarding/[!o]*.html",  # not officer/
    "onboarding/templates/onboarding/_*.html",
    "onboarding/forms.py",
    "onboarding/household_views.py",
    "onboarding/checklist.py",
    "onboarding/uploads.py",
    "orders/templates/orders/*.html",
    "orders/templates/orders/stall/*.html",
    "orders/templates/orders/payments/*.html",
    "orders/forms.py",
    "orders/views.py",
    "orders/stall_views.py",
    "traceability/templates/traceability/*.html",
    "traceability/forms.py",
    "traceability/views.py",
    "core/templatetags/household.py",
    # the buyer's account (sign in by a texted code, her orders, saved addresses)
    "orders/templates/orders/account/*.html",
    "orders/buyer_views.py",
    "orders/buyer_accounts.py",
    # reviews: the buyer's form and list, the product page's block, the stall's answers
    "reviews/templates/reviews/[!m]*.html",  # not moderation.html (officers and editors)
    "reviews/templates/reviews/_*.html",
    "reviews/forms.py",
    "reviews/views.py",
    "reviews/services.py",
    # delivery estimates and the stars and "sold" counts on product cards
    "producers/delivery.py",
    "catalog/templatetags/storefront.py",
]

# The catalogues that hold those strings.
CATALOGUES = [
    "locale/km/LC_MESSAGES/django.po",
    "onboarding/locale/km/LC_MESSAGES/django.po",
    "orders/locale/km/LC_MESSAGES/django.po",
    "traceability/locale/km/LC_MESSAGES/django.po",
]
