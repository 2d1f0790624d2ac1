"""The site's URLs plus a view that sets a cookie the declaration does not list (P20)."""

from django.http import HttpResponse
from django.urls import path

from community.urls import urlpatterns as site_urlpatterns


def sets_an_undeclared_cookie(request):
    response = HttpResponse("A page with a tracker someone forgot to declare.")
    response.set_cookie("_tracker_id", "abc123", max_age=3600)
    return response


urlpatterns = [path("test/undeclared-cookie/", sets_an_undeclared_cookie), *site_urlpatterns]
