"""The newsletter's pages, in the `privacy:` namespace (included by privacy/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("newsletter/", views.subscribe, name="newsletter"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="newsletter_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
