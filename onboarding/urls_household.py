"""The household side of onboarding (and the officer's spreadsheet import), namespace ``onboarding``."""

from django.urls import path

from . import bulk_views, document_views, household_views

urlpatterns = [
    path("dang-nhap/", household_views.login_view, name="login"),
    path("dang-xuat/", household_views.logout_view, name="logout"),
    path("dang-ky/", household_views.register_view, name="register"),
    path("dat-mat-khau/<str:token>/", household_views.set_password_view, name="set-password"),
    path("ho-so/", household_views.home, name="home"),
    path("ho-so/tao/", household_views.new_application, name="new"),
    path("ho-so/<int:pk>/", household_views.detail, name="detail"),
    path("ho-so/<int:pk>/gui/", household_views.submit_view, name="submit"),
    path("ho-so/<int:pk>/rut/", household_views.withdraw_view, name="withdraw"),
    path("ho-so/<int:pk>/<slug:step>/", household_views.step_view, name="step"),
    # The certificate scan of an application's product (pk: the product's), checked, then streamed.
    path("ho-so/san-pham/<int:pk>/giay-chung-nhan/", document_views.ocop_scan, name="ocop-scan"),
    path("ho-so/anh/<int:pk>/", document_views.photo, name="photo"),
    # Officers: many products of one producer from a spreadsheet.
    path("can-bo/ho-so/<int:pk>/nhap-bang-tinh/", bulk_views.bulk_import, name="bulk"),
    path("can-bo/ho-so/<int:pk>/anh-san-pham/", bulk_views.bulk_photos, name="bulk-photos"),
    path(
        "can-bo/nha-san-xuat/<int:producer_pk>/nhap-bang-tinh/",
        bulk_views.bulk_import_producer,
        name="bulk-producer",
    ),
    path("can-bo/mau-danh-sach-san-pham.<str:fmt>", bulk_views.bulk_template, name="bulk-template"),
]
