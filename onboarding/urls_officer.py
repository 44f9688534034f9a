"""The officer side of onboarding (namespace ``onboarding``), and the notifications page."""

from django.urls import path

from . import officer_views as views
from . import paper_views

urlpatterns = [
    path("can-bo/ho-so/", views.queue, name="queue"),
    path("can-bo/ho-so/tao/", views.assisted_new, name="assisted-new"),
    path("can-bo/ho-so/<int:pk>/da-tao/", views.assisted_created, name="assisted-created"),
    path("can-bo/ho-so/<int:pk>/lien-ket-mat-khau/", views.new_password_link, name="new-password-link"),
    path("can-bo/ho-so/<int:pk>/bat-dau-xem-xet/", views.review_start, name="review-start"),
    path("can-bo/ho-so/<int:pk>/nhan-xet/", views.review_comment, name="review-comment"),
    path("can-bo/ho-so/<int:pk>/yeu-cau-sua/", views.review_request_changes, name="review-request-changes"),
    path("can-bo/ho-so/<int:pk>/duyet/", views.review_approve, name="review-approve"),
    path("can-bo/ho-so/<int:pk>/tu-choi/", views.review_reject, name="review-reject"),
    path("can-bo/ho-so/<int:pk>/phieu-in/", paper_views.receipt, name="receipt"),
    path("can-bo/ho-so/<int:pk>/ho-gia-dinh/", paper_views.household_needs, name="household-needs"),
    path("can-bo/ho-so/<int:pk>/qua-dien-thoai/", paper_views.phone_reply, name="phone-reply"),
    path("ho-so/trang-thai/<str:token>/", paper_views.status, name="status"),
    path("can-bo/bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/<int:pk>/", views.notification_open, name="notification-open"),
]
