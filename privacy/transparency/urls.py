"""The transparency report, in the `privacy:` namespace (included by privacy/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [path("transparency/", views.transparency, name="transparency")]
