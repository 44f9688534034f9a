from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("don-hang/<str:token>/danh-gia/<int:line_pk>/", views.review_line, name="write"),
    path("can-bo/danh-gia/", views.moderation_queue, name="moderation"),
    path("can-bo/danh-gia/<int:pk>/", views.moderate, name="moderate"),
    path("gian-hang-cua-toi/danh-gia/", views.stall_reviews, name="stall-reviews"),
    path("gian-hang-cua-toi/danh-gia/<int:pk>/tra-loi/", views.reply, name="reply"),
]
