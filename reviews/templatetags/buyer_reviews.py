"""The buyer's own reviews, for the account page of the orders app.

A template tag rather than a context variable: orders sits below reviews, so its views must not
import reviews; the template loads this library by name instead.
"""

from django import template

from reviews.services import reviews_for_phone

register = template.Library()


@register.inclusion_tag("reviews/_buyer_reviews.html")
def buyer_reviews(phone):
    return {"reviews": list(reviews_for_phone(phone)[:50])}
