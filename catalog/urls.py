from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("stalls/", views.stall_list, name="stall-list"),
    path("stalls/<slug:slug>/", views.stall_detail, name="stall-detail"),
]
