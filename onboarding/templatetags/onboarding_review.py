"""``{% review_summary app %}``: what the approver approves (see ``onboarding.review``)."""

from django import template

from ocop_market.phone import display_vn_phone

from .. import review

register = template.Library()


@register.inclusion_tag("onboarding/_review_summary.html", takes_context=True)
def review_summary(context, app):
    user = context.get("user")
    is_household = user is not None and user.pk == app.household_id
    return {
        "app": app,
        "products": review.review_products(app),
        "bank": review.bank_of(app),
        "personal_id": review.mask_id(app.personal_id),
        "phone": display_vn_phone(app.phone) if app.phone else "",
        "is_household": is_household,
        "request": context.get("request"),
    }


@register.simple_tag
def zero_stock_products(app):
    """Products that would be published with nothing to sell (approval then needs a confirmation)."""
    return review.zero_stock_products(app)
