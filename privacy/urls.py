from django.urls import include, path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", include("privacy.policies.urls")),
    path("register/", views.register, name="register"),
    path("register/register.pdf", views.register_pdf, name="register_pdf"),
    path("register/register.csv", views.register_csv, name="register_csv"),
    path("", include("privacy.newsletter.urls")),
    path("", include("privacy.requests.urls")),
    path("", include("privacy.transparency.urls")),
]
