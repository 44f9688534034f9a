"""Orders URLs: cart, checkout and order pages, plus the payment steps (urls_payments.py)."""

from .urls_payments import urlpatterns as payment_urlpatterns

app_name = "orders"

urlpatterns = [] + payment_urlpatterns
