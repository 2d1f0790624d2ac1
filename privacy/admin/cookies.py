"""Cookie receipts, cookie lifetimes and the visit statistics report (P5, P20)."""

from cookie_consent import admin as cookie_consent_admin
from cookie_consent.models import Cookie
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from .. import stats
from ..models import (
    CookieConsentReceipt,
    CookieLifetime,
    DailyVisitCount,
)
from .csv_stream import csv_response
from .read_only import WrittenBySite


@admin.register(CookieConsentReceipt)
class CookieConsentReceiptAdmin(WrittenBySite, admin.ModelAdmin):
    """Proof of cookie choices (P19): written by the site, read by staff."""

    list_display = ["created", "consent_id", "user", "accepted", "declined", "replaced_at"]
    list_filter = [("replaced_at", admin.EmptyFieldListFilter)]
    search_fields = ["=consent_id", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created"


class CookieLifetimeInline(admin.StackedInline):
    model = CookieLifetime
    can_delete = False


# django-cookie-consent's Cookie admin, with the lifetime the cookie declaration shows (P20).
admin.site.unregister(Cookie)


@admin.register(Cookie)
class CookieAdmin(cookie_consent_admin.CookieAdmin):
    inlines = [CookieLifetimeInline]


@admin.register(DailyVisitCount)
class DailyVisitCountAdmin(WrittenBySite, admin.ModelAdmin):
    """The visit statistics report (P5): a chart of the last 90 days, the top pages and
    referring sites, and a CSV download. Counts only: nothing to add, change or delete."""

    def get_urls(self):
        csv_view = self.admin_site.admin_view(self.csv_view)
        return [path("csv/", csv_view, name="privacy_dailyvisitcount_csv"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        stats.flush_visit_counts()  # show the counts still in the cache too
        context = {
            **self.admin_site.each_context(request),
            "title": "Visit statistics",
            "opts": self.model._meta,
            **stats.report(),
        }
        return TemplateResponse(request, "admin/privacy/visit_report.html", context)

    def csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return csv_response(stats.csv_rows(), "visit-statistics.csv")
