"""A member's /privacy/my-data/ pages and a visitor's /privacy/requests/ pages, included by
privacy/urls.py in the "privacy" namespace (privacy:my_data, privacy:request_new...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.request_export, name="request_export"),
    path("my-data/erase/", views.erase_account, name="erase_account"),
    path("my-data/requests/", views.member_request, name="member_request"),
    path("my-data/requests/<int:pk>/withdraw/", views.withdraw_request, name="withdraw_request"),
    path("my-data/download/<str:token>/", views.download_export, name="export_download"),
    path("requests/new/", views.new_request, name="request_new"),
    path("requests/confirm/<str:token>/", views.confirm_request, name="request_confirm"),
]
