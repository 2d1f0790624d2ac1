"""Consent wordings and the consent ledger, which staff read and add to (P2, P9)."""

from django import forms
from django.contrib import admin

from .. import consent
from ..read_only import WrittenBySite
from .models import Consent, ConsentText


class StaffConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["user", "email", "purpose", "granted", "text", "policy"]
        help_texts = {
            "purpose": "terms, privacy_policy, newsletter, or sponsor:<id>.",
            "text": "The wording the person's request refers to.",
        }

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not cleaned.get("email"):
            raise forms.ValidationError("Choose the member, or give the visitor's email address.")
        return cleaned


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """Wordings are referenced by the ledger: a change is a new version, never an edit."""

    list_display = ["key", "version", "wording", "created"]
    list_filter = ["key"]

    def get_readonly_fields(self, request, obj=None):
        return ["key", "version", "wording"] if obj else []


@admin.register(Consent)
class ConsentAdmin(WrittenBySite, admin.ModelAdmin):
    """The ledger is append-only: staff read it and may add a row on a person's written
    request (for example a withdrawal sent by letter); nobody changes or deletes one. The
    admin offers no "Add" link for it, which would read as a place to make consents up: the
    list offers "Record a written request" instead."""

    staff_may_add = True
    change_list_template = "admin/privacy/consent/change_list.html"

    list_display = ["created", "user", "email", "purpose", "granted", "source", "text", "policy"]
    list_filter = ["purpose", "granted", "source"]
    search_fields = ["user__username", "email"]
    list_select_related = ["user", "text", "policy"]
    date_hierarchy = "created"
    form = StaffConsentForm
    autocomplete_fields = ["user"]

    def get_model_perms(self, request):
        """What the index and the menu link to: the list, never a bare "Add"."""
        return {**super().get_model_perms(request), "add": False}

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "title": "Record a written request"}
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.source = Consent.Source.STAFF
        consent.append(obj)
