from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import health, views

# The admin signs in through allauth, so staff pass the same second-factor check as everyone (P7).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = admin.site.site_title = "Community administration"
handler500 = "community.views.server_error"

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("", include("forums.urls")),
    path("events/", include("forums.events.urls")),
    path("accounts/", include("allauth.urls")),
    path("privacy/", include("privacy.urls")),
    path("privacy/cookies/settings/", include("privacy.cookies.urls")),
    path("resources/", include("privacy.sponsors.urls")),
    path("feedback/", include("privacy.feedback.urls")),
    path("payments/", include("forums.events.payment_urls")),
    path("admin/", admin.site.urls),
    path("health/", health.essential, name="health"),
    path("health/services/", health.services, name="health_services"),
]
