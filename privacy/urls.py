from django.urls import include, path

from . import request_views, views

app_name = "privacy"
urlpatterns = [
    path("", include("privacy.policies.urls")),
    path("register/", views.register, name="register"),
    path("", include("privacy.newsletter.urls")),
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
