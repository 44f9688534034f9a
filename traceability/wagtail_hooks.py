"""The product page's "Truy xuất nguồn gốc" block (and the stall's optional VietQR for the price).

Registered on the catalog's product-page hook: the catalog shows it without knowing this app.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail import hooks

from producers.banks import bank_name

from . import queries
from .codes import trace_path
from .vietqr import product_payload, qr_svg


@hooks.register("catalog_product_page_panels")
def product_trace_panel(request, product) -> str:
    batch = queries.latest_published_batch(product.pk)
    context = {"batch": batch, "trace_path": trace_path(batch) if batch else "", "product": product}
    choice = queries.product_page_payment_qr(product.producer_id)
    account = getattr(choice.stall.producer, "bank_account", None) if choice else None
    if account is not None:
        pricing = getattr(product, "pricing", None)
        amount = int(pricing.final if pricing is not None else product.price)
        context.update(
            account=account,
            bank=bank_name(account.bank_bin),
            amount=amount,
            # Made here from digits and an escaped label only.
            vietqr=mark_safe(
                qr_svg(
                    product_payload(account, amount=amount, purpose=f"OCOP {product.pk}"),
                    label=_("VietQR to pay %(stall)s") % {"stall": choice.stall.name},
                )
            ),
        )
    if batch is None and account is None:
        return ""
    # No request: the block needs none of the context processors, which the page has run already.
    return render_to_string("traceability/_product_panel.html", context)
