from django.urls import path

from . import views
from .models import PolicyVersion

app_name = "privacy"
urlpatterns = [
    path("", views.policy, {"kind": PolicyVersion.PRIVACY}, name="policy"),
    path("cookies/", views.policy, {"kind": PolicyVersion.COOKIES}, name="cookie_policy"),
    path("terms/", views.policy, {"kind": PolicyVersion.TERMS}, name="terms"),
    path("register/", views.register, name="register"),
]
