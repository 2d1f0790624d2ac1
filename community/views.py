"""The few site-wide files browsers ask for at fixed addresses: /favicon.ico and the web app
manifest. Both come from the static files, so they are served the same way in every deploy."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

DAY = 60 * 60 * 24


@require_safe
@cache_control(max_age=7 * DAY, public=True)
def favicon(request):
    # From the source tree (STATICFILES_DIRS), which every deploy has, collected or not.
    return FileResponse(open(finders.find("favicon.ico"), "rb"), content_type="image/x-icon")


@require_safe
@cache_control(max_age=DAY, public=True)
def manifest(request):
    """The web app manifest: the site's name and icons, so it can be added to a home screen."""
    response = JsonResponse(
        {
            "name": settings.SITE_NAME,
            "short_name": settings.SITE_SHORT_NAME,
            "description": "Share and learn with contact-centre professionals.",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f5f6f8",
            "theme_color": "#1a5c8a",
            "icons": [
                {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("img/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        }
    )
    response["Content-Type"] = "application/manifest+json"
    return response


def server_error(request):
    """The 500 page in the site's layout. Rendered without the request: whatever broke (the
    database, the cache) must not break the error page too."""
    context = {"SITE_NAME": settings.SITE_NAME, "DPO_EMAIL": settings.DPO_EMAIL}
    return HttpResponseServerError(loader.get_template("500.html").render(context))
