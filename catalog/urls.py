from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    # Not under products/: a product's slug could be "suggest".
    path("search/suggest/", views.search_suggestions, name="search-suggest"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("stalls/", views.stall_list, name="stall-list"),
    path("stalls/<slug:slug>/", views.stall_detail, name="stall-detail"),
]
