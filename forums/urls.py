from django.urls import path

from . import views

urlpatterns = [
    path("accounts/profile/", views.account_overview, name="account_overview"),
]
