"""Policy versions (P24): staff publish a new version; a material change is emailed."""

from django.contrib import admin

from . import notices
from .models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "effective_date", "material", "created", "notified_at"]
    list_filter = ["kind", "material"]
    ordering = ["kind", "-version"]
    readonly_fields = ["notified_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A material change is emailed to every active member (P24), once.
        notices.start_notifying(obj)
