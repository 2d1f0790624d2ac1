"""The desk's page in the admin, and the undeclared cookies it counts (read-only but for
deletion, once the cookie is declared or no longer set)."""

from django.contrib import admin

from ..read_only import WrittenBySite
from . import views
from .models import UndeclaredCookie

admin.site.add_page("privacy/desk/", views.desk, "privacy_desk")


@admin.register(UndeclaredCookie)
class UndeclaredCookieAdmin(WrittenBySite, admin.ModelAdmin):
    """Cookie names a response set that the declaration lacks (P20). Declare the cookie under
    Cookie consent › Cookies (or stop setting it), then delete the row here."""

    staff_may_delete = True
    list_display = ["name", "first_seen", "last_seen", "times"]
    readonly_fields = list_display
