"""Retention runs, read-only (P17)."""

from django.contrib import admin

from ..read_only import WrittenBySite
from .models import RetentionRun


class RetentionOutcomeFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("unfinished", "Running or interrupted")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.exclude(error="")
        if self.value() == "unfinished":
            return queryset.filter(finished__isnull=True)
        return queryset


@admin.register(RetentionRun)
class RetentionRunAdmin(WrittenBySite, admin.ModelAdmin):
    """What each retention rule did in each run (P17): written by the job, read by staff. The
    daily time is set under Periodic tasks, "Enforce retention periods"."""

    list_display = [
        "started",
        "rule",
        "outcome",
        "matched",
        "warned",
        "changed",
        "duration",
        "error",
    ]
    list_filter = [RetentionOutcomeFilter, "rule"]
    date_hierarchy = "started"

    @admin.display(description="Outcome")
    def outcome(self, run):
        if run.error:
            return "Failed"
        return "Done" if run.finished else "Running or interrupted"

    @admin.display(description="Seconds")
    def duration(self, run):
        if run.finished is None:
            return "–"
        return f"{(run.finished - run.started).total_seconds():.1f}"
