"""System checks of the payment settings."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def stripe_settings_check(app_configs, **kwargs):
    errors = []
    key = str(getattr(settings, "STRIPE_SECRET_KEY", "") or "")
    live = key.startswith(("sk_live_", "rk_live_"))
    if not settings.DEBUG and live and not getattr(settings, "STRIPE_WEBHOOK_SECRET", ""):
        errors.append(
            Error(
                "A live Stripe key is configured but STRIPE_WEBHOOK_SECRET is empty: card payments "
                "confirmed by the provider's webhook would be refused.",
                hint="Set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_…).",
                id="orders.E001",
            )
        )
    if not settings.DEBUG and live and not getattr(settings, "STRIPE_PUBLISHABLE_KEY", ""):
        errors.append(
            Warning(
                "A live Stripe key is configured without STRIPE_PUBLISHABLE_KEY: buyers cannot type a card.",
                hint="Set STRIPE_PUBLISHABLE_KEY (pk_live_…).",
                id="orders.W001",
            )
        )
    return errors
