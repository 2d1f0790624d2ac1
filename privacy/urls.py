from django.urls import include, path

from . import newsletter_views, policy_views, views
from .models import PolicyVersion

app_name = "privacy"
urlpatterns = [
    path("", views.policy, {"kind": PolicyVersion.PRIVACY}, name="policy"),
    path("cookies/", views.policy, {"kind": PolicyVersion.COOKIES}, name="cookie_policy"),
    path("terms/", views.policy, {"kind": PolicyVersion.TERMS}, name="terms"),
    path("register/", views.register, name="register"),
    path("preferences/", newsletter_views.preferences, name="preferences"),
    path("newsletter/", newsletter_views.subscribe, name="newsletter"),
    path("newsletter/confirm/<str:token>/", newsletter_views.confirm, name="newsletter_confirm"),
    path("unsubscribe/<str:token>/", newsletter_views.unsubscribe, name="unsubscribe"),
    path("history/", policy_views.history, name="history"),
    path("terms/accept/", policy_views.accept_terms, name="accept_terms"),
    path("", include("privacy.requests.urls")),
]
