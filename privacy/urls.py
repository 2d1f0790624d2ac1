from django.urls import include, path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", include("privacy.policies.urls")),
    path("register/", views.register, name="register"),
    path("", include("privacy.newsletter.urls")),
    path("", include("privacy.requests.urls")),
]
