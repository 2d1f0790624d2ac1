from django.urls import include, path

from . import policy_views, request_views, views
from .models import PolicyVersion

app_name = "privacy"
urlpatterns = [
    path("", views.policy, {"kind": PolicyVersion.PRIVACY}, name="policy"),
    path("cookies/", views.policy, {"kind": PolicyVersion.COOKIES}, name="cookie_policy"),
    path("terms/", views.policy, {"kind": PolicyVersion.TERMS}, name="terms"),
    path("register/", views.register, name="register"),
    path("", include("privacy.newsletter.urls")),
    path("history/", policy_views.history, name="history"),
    path("terms/accept/", policy_views.accept_terms, name="accept_terms"),
    path("my-data/", request_views.my_data, name="my_data"),
    path("my-data/export/", request_views.request_export, name="request_export"),
    path("my-data/erase/", request_views.erase_account, name="erase_account"),
    path("my-data/requests/", request_views.member_request, name="member_request"),
    path(
        "my-data/requests/<int:pk>/withdraw/",
        request_views.withdraw_request,
        name="withdraw_request",
    ),
    path("my-data/download/<str:token>/", request_views.download_export, name="export_download"),
    path("requests/new/", request_views.new_request, name="request_new"),
    path("requests/confirm/<str:token>/", request_views.confirm_request, name="request_confirm"),
]
