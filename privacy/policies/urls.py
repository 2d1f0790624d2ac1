"""The policy pages, in the `privacy:` namespace (included by privacy/urls.py)."""

from django.urls import path

from . import views
from .models import PolicyVersion

urlpatterns = [
    path("", views.policy, {"kind": PolicyVersion.PRIVACY}, name="policy"),
    path("cookies/", views.policy, {"kind": PolicyVersion.COOKIES}, name="cookie_policy"),
    path("terms/", views.policy, {"kind": PolicyVersion.TERMS}, name="terms"),
    path("history/", views.history, name="history"),
    path("terms/accept/", views.accept_terms, name="accept_terms"),
]
