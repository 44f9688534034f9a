"""The product page's reviews section, added through catalog's hook (catalog imports no reviews)."""

from django.template.loader import render_to_string
from wagtail import hooks

from catalog.hooks import PRODUCT_SECTIONS_HOOK

from . import services


def _review_json_ld(review) -> dict:
    return {
        "@type": "Review",
        "author": {"@type": "Person", "name": review.author_name},
        "datePublished": review.created_at.date().isoformat(),
        "reviewBody": review.text,
        "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5, "worstRating": 1},
    }


@hooks.register(PRODUCT_SECTIONS_HOOK)
def product_reviews_section(request, product):
    # No published review: the counter says so, and the page asks nothing more of the database.
    reviews = services.product_reviews(product.pk) if product.rating_count else []
    # No request: the section needs none of the context processors, which a page has run already.
    html = render_to_string("reviews/_product_reviews.html", {"product": product, "reviews": reviews})
    return {"html": html, "json_ld": {"review": [_review_json_ld(r) for r in reviews]} if reviews else {}}
