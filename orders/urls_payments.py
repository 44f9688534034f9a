"""The payment steps, in the ``orders`` namespace (included by orders/urls.py)."""

from django.urls import path

from . import payment_views

urlpatterns = [
    path("don-hang/<str:token>/the/", payment_views.pay_card, name="pay-card"),
    path("don-hang/<str:token>/chuyen-khoan/", payment_views.pay_vietqr, name="pay-vietqr"),
    path("gian-hang-cua-toi/thanh-toan/<str:number>/", payment_views.manage_payment, name="payment-manage"),
    path("gian-hang-cua-toi/thanh-toan/<str:number>/da-nhan-tien/", payment_views.mark_received, name="mark-received"),
    path("gian-hang-cua-toi/thanh-toan/<str:number>/hoan-tien/", payment_views.refund, name="refund"),
    path(
        "gian-hang-cua-toi/thanh-toan/<str:number>/hoan-tien/<int:refund_pk>/da-chuyen/",
        payment_views.refund_sent,
        name="refund-sent",
    ),
    path("gian-hang-cua-toi/sao-ke-ngan-hang/", payment_views.bank_statement, name="bank-statement"),
]
