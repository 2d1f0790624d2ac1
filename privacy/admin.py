from django.contrib import admin

from .models import Consent, ConsentText, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "effective_date", "material", "created"]
    list_filter = ["kind", "material"]
    ordering = ["kind", "-version"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """Wordings are referenced by the ledger: a change is a new version, never an edit."""

    list_display = ["key", "version", "wording", "created"]
    list_filter = ["key"]

    def get_readonly_fields(self, request, obj=None):
        return ["key", "version", "wording"] if obj else []


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """The ledger is append-only: staff read it, the application writes it."""

    list_display = ["created", "user", "email", "purpose", "granted", "source", "text", "policy"]
    list_filter = ["purpose", "granted", "source"]
    search_fields = ["user__username", "email"]
    list_select_related = ["user", "text", "policy"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
