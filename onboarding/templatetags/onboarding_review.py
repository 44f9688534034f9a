"""``{% review_summary app %}``: what the approver approves (see ``onboarding.review``)."""

from urllib.parse import quote

from django import template
from django.utils.translation import gettext as _

from core.phone import display_vn_phone
from producers.models import Producer

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


@register.simple_tag
def products_with_quantity(app):
    """The application's products with their quantity available (for the checklist)."""
    return list(app.products.only("pk", "name", "stock", "application_id"))


@register.filter
def national_phone(e164):
    """``+84912345678`` → ``0912 345 678``: how people read and type it."""
    return display_vn_phone(e164) if e164 else ""


@register.simple_tag
def password_link_share(user, link):
    """The texts and targets of the set-password link's share buttons (Zalo, SMS)."""

    phone = user.get_username()
    national = display_vn_phone(phone)
    text = _("Hello %(name)s, open this link to choose your OCOP Market password (account %(phone)s): %(link)s") % {
        "name": user.get_full_name() or national,
        "phone": national,
        "link": link,
    }
    digits = "".join(national.split())
    return {
        "phone": national,
        "text": text,
        # "?&body=" is read by Android's and iOS's messaging apps alike.
        "sms": f"sms:{phone}?&body={quote(text)}",
        "zalo": f"https://zalo.me/{digits}" if digits.isdigit() else "",
    }


@register.simple_tag
def household_languages():
    """``(code, label)`` of the languages a household can be served in."""

    return Producer.Language.choices
