from django.urls import path, re_path

from . import views

app_name = "feeds"

urlpatterns = [
    path("schema/<str:name>", views.schema, name="schema"),
    re_path(
        r"^(?P<partner_slug>[-\w]+)/(?P<file_name>google\.xml|products\.csv|products\.json)$", views.feed, name="feed"
    ),
]
