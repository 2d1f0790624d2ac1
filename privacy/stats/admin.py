"""The visit statistics report (P5)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from ..csv_export import csv_response
from ..read_only import WrittenBySite
from . import flush, report
from .models import DailyVisitCount


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
        flush.flush_visit_counts()  # show the counts still in the cache too
        context = {
            **self.admin_site.each_context(request),
            "title": "Visit statistics",
            "opts": self.model._meta,
            **report.report(),
        }
        return TemplateResponse(request, "admin/privacy/visit_report.html", context)

    def csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return csv_response(report.csv_rows(), "visit-statistics.csv")
