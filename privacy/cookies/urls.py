"""django-cookie-consent's URLs, under the names its views and banner script expect, with our own
accept, decline and settings views (they write a consent receipt for every choice)."""

from cookie_consent.views import CookieStatusView
from django.urls import path

from . import views

urlpatterns = [
    path("", views.cookie_settings, name="cookie_consent_cookie_group_list"),
    path("accept/", views.cookie_accept, name="cookie_consent_accept"),
    path("decline/", views.cookie_decline, name="cookie_consent_decline"),
    path("status/", CookieStatusView.as_view(), name="cookie_consent_status"),
]
