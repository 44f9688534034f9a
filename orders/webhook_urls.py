"""The payment provider's webhooks, mounted at ``/payments/`` outside the localized URLs."""

from django.urls import path

from . import bank_webhooks, webhooks

app_name = "payments"

urlpatterns = [
    path("stripe/webhook", webhooks.stripe_webhook, name="stripe-webhook"),
    path("sepay/webhook", bank_webhooks.sepay_webhook, name="sepay-webhook"),
]
