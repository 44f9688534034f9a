from django.urls import path, re_path

from . import views

app_name = "traceability"

urlpatterns = [
    # Public: what a stamp's QR opens.
    path("truy-xuat/<str:code>/", views.trace, name="trace"),
    # GS1 Digital Link: /01/<GTIN-14>/10/<lot>, the lot being the trace code (no trailing slash).
    re_path(r"^01/(?P<gtin>[0-9]{8,14})/10/(?P<code>[0-9A-Za-z]{1,20})$", views.digital_link, name="digital-link"),
    # The household's (or its officer's) screens.
    path("lo-hang/", views.batch_list, name="batches"),
    path("lo-hang/moi/", views.batch_new, name="batch-new"),
    path("lo-hang/<int:pk>/", views.batch_detail, name="batch"),
    path("lo-hang/<int:pk>/su-kien/", views.event_add, name="event-add"),
    path("lo-hang/<int:pk>/su-kien/<int:event_pk>/xoa/", views.event_delete, name="event-delete"),
    path("lo-hang/<int:pk>/cong-bo/", views.batch_publish, name="publish"),
    path("lo-hang/<int:pk>/tem.pdf", views.stamps, name="stamps"),
    path("gian-hang-cua-toi/bien-vietqr/<int:stall_pk>.pdf", views.payment_sign, name="payment-sign"),
    path("gian-hang-cua-toi/vietqr-san-pham/<int:stall_pk>/", views.payment_qr_choice, name="payment-qr-choice"),
]
