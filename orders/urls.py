"""Orders URLs: cart, checkout and order pages, plus the payment steps (urls_payments.py)."""

from django.urls import path

from . import buyer_views, stall_views, views
from .urls_payments import urlpatterns as payment_urlpatterns

app_name = "orders"

urlpatterns = [
    path("gio-hang/", views.cart_view, name="cart"),
    path("thanh-toan/", views.checkout, name="checkout"),
    path("don-hang/<str:token>/", views.order_detail, name="detail"),
    path("tra-cuu-don-hang/", views.lookup, name="lookup"),
    path("tai-khoan/", buyer_views.account, name="account"),
    path("tai-khoan/dang-nhap/", buyer_views.sign_in, name="account-sign-in"),
    path("tai-khoan/nhap-ma/", buyer_views.enter_code, name="account-code"),
    path("tai-khoan/dang-xuat/", buyer_views.sign_out, name="account-sign-out"),
    path("tai-khoan/dia-chi/<int:pk>/xoa/", buyer_views.address_delete, name="account-address-delete"),
    path("gian-hang-cua-toi/don-hang/", stall_views.stall_orders, name="stall-orders"),
    path("gian-hang-cua-toi/don-hang/<int:pk>/", stall_views.stall_order, name="stall-order"),
    path("gian-hang-cua-toi/don-hang/<int:pk>/cap-nhat/", stall_views.group_action, name="group-action"),
    path("gian-hang-cua-toi/don-hang/<int:pk>/phieu-giao-hang/", stall_views.packing_slip, name="packing-slip"),
    path("gian-hang-cua-toi/don-hang/<int:pk>/dong/<int:line_pk>/lo-hang/", stall_views.line_batch, name="line-batch"),
    path("gian-hang-cua-toi/doi-soat/<int:stall_pk>/<str:month>/", stall_views.statement, name="statement"),
    path("gian-hang-cua-toi/thue/<str:month>/", stall_views.tax_export, name="tax-export"),
] + payment_urlpatterns
