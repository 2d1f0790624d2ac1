"""Sponsors, resources, leads export and disclosure records (P8, P23)."""

import os

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify

from ..csv_export import csv_response
from ..models import (
    DisclosedLead,
    Disclosure,
    Lead,
    Resource,
    Sponsor,
    SponsorQuestion,
)
from ..read_only import WrittenBySite
from . import services
from .models import validate_resource_file


class SponsorQuestionInline(admin.TabularInline):
    model = SponsorQuestion
    extra = 1
    fields = ["position", "text", "kind", "options", "required"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "sponsor", "published", "starts", "created"]
    list_filter = ["published", "kind", "sponsor"]
    search_fields = ["title"]
    list_select_related = ["sponsor"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "sponsor",
        "kind",
        "title",
        "slug",
        "summary",
        "file",
        "starts",
        "joining_details",
        "published",
    ]
    # The file is private: no link to a public media URL, only the signed link after the form.
    # Only a new upload is checked: a form that keeps the stored file does not read it again.
    formfield_overrides = {
        models.FileField: {"widget": forms.FileInput, "validators": [validate_resource_file]}
    }
    inlines = [SponsorQuestionInline]

    def get_fields(self, request, obj=None):
        return [*self.fields, "stored_file"] if obj and obj.file else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["stored_file"]

    @admin.display(description="Stored file")
    def stored_file(self, obj):
        return format_html(
            '<a href="{}">{}</a> ({}). Upload another to replace it.',
            reverse("admin:privacy_resource_file", args=[obj.pk]),
            os.path.basename(obj.file.name),
            filesizeformat(obj.file.size),
        )

    def get_urls(self):
        download = self.admin_site.admin_view(self.file_view)
        return [path("<int:pk>/file/", download, name="privacy_resource_file"), *super().get_urls()]

    def file_view(self, request, pk: int):
        """Staff check the uploaded file here; everyone else only through the signed link."""
        resource = get_object_or_404(Resource, pk=pk)
        if not self.has_view_permission(request, resource) or not resource.file:
            raise PermissionDenied
        return FileResponse(
            resource.file.open("rb"),
            as_attachment=True,
            filename=os.path.basename(resource.file.name),
        )


class ExportLeadsForm(forms.Form):
    only_new = forms.BooleanField(
        required=False, label="Only people not sent to this sponsor before"
    )


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "contact_email", "privacy_notice_url"]
    search_fields = ["name"]
    change_form_template = "admin/privacy/sponsor/change_form.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_leads_view)
        return [
            path("<int:pk>/export-leads/", export, name="privacy_sponsor_export_leads"),
            *super().get_urls(),
        ]

    def export_leads_view(self, request, pk: int):
        """Consenting people's leads as CSV; each export is recorded as a disclosure (P8)."""
        if not request.user.has_perm("privacy.export_leads"):
            raise PermissionDenied
        sponsor = get_object_or_404(Sponsor, pk=pk)
        if request.method == "POST":
            form = ExportLeadsForm(request.POST)
            if form.is_valid():
                disclosure, rows = services.export_leads(
                    sponsor, by=request.user, only_new=form.cleaned_data["only_new"]
                )
                filename = f"leads-{slugify(sponsor.name)}-{disclosure.created:%Y%m%d-%H%M%S}.csv"
                return csv_response(rows, filename)
        else:
            form = ExportLeadsForm()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Export the leads of {sponsor}",
            "opts": self.model._meta,
            "original": sponsor,
            "form": form,
            "leads": Lead.objects.filter(resource__sponsor=sponsor).count(),
            "consenting": Lead.objects.consenting(sponsor).count(),
            "disclosures": sponsor.disclosures.select_related("disclosed_by")[:10],
        }
        return TemplateResponse(request, "admin/privacy/sponsor/export_leads.html", context)


@admin.register(Lead)
class LeadAdmin(WrittenBySite, admin.ModelAdmin):
    """Sign-ups: erased through the registry, exported to sponsors only with consent."""

    list_display = ["created", "resource", "name", "email", "consents_now"]
    list_filter = ["resource__sponsor", "resource"]
    search_fields = ["=email", "name"]
    list_select_related = ["resource"]
    date_hierarchy = "created"

    def get_queryset(self, request):
        return super().get_queryset(request).with_consent()

    @admin.display(boolean=True, description="May go to the sponsor")
    def consents_now(self, obj):
        return obj.consented


class DisclosedLeadInline(WrittenBySite, admin.TabularInline):
    model = DisclosedLead
    fields = ["lead", "email", "consent", "fields_sent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="Fields sent")
    def fields_sent(self, obj):
        return ", ".join(obj.fields)


@admin.register(Disclosure)
class DisclosureAdmin(WrittenBySite, admin.ModelAdmin):
    """Every export of leads: which people, which fields, to which sponsor, when, by whom."""

    list_display = ["created", "sponsor", "people", "disclosed_by"]
    list_filter = ["sponsor"]
    list_select_related = ["sponsor", "disclosed_by"]
    date_hierarchy = "created"
    inlines = [DisclosedLeadInline]
