import csv

from cookie_consent import admin as cookie_consent_admin
from cookie_consent.models import Cookie
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from . import consent, feedback, newsletter, policy_changes, sponsors, stats
from .models import (
    Consent,
    ConsentText,
    CookieConsentReceipt,
    CookieLifetime,
    DailyVisitCount,
    DisclosedLead,
    Disclosure,
    Feedback,
    Lead,
    Newsletter,
    NewsletterDelivery,
    PolicyVersion,
    Resource,
    RetentionRun,
    Sponsor,
    SponsorQuestion,
)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "effective_date", "material", "created", "notified_at"]
    list_filter = ["kind", "material"]
    ordering = ["kind", "-version"]
    readonly_fields = ["notified_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A material change is emailed to every active member (P24), once.
        policy_changes.start_notifying(obj)


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


@admin.register(CookieConsentReceipt)
class CookieConsentReceiptAdmin(admin.ModelAdmin):
    """Proof of cookie choices (P19): written by the site, read by staff."""

    list_display = ["created", "consent_id", "user", "accepted", "declined", "replaced_at"]
    list_filter = [("replaced_at", admin.EmptyFieldListFilter)]
    search_fields = ["=consent_id", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CookieLifetimeInline(admin.StackedInline):
    model = CookieLifetime
    can_delete = False


# django-cookie-consent's Cookie admin, with the lifetime the cookie declaration shows (P20).
admin.site.unregister(Cookie)


@admin.register(Cookie)
class CookieAdmin(cookie_consent_admin.CookieAdmin):
    inlines = [CookieLifetimeInline]


class _Echo:
    """A file-like object whose write returns the line, for streaming a CSV."""

    def write(self, value):
        return value


@admin.register(DailyVisitCount)
class DailyVisitCountAdmin(admin.ModelAdmin):
    """The visit statistics report (P5): a chart of the last 90 days, the top pages and
    referring sites, and a CSV download. Counts only: nothing to add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
        writer = csv.writer(_Echo())
        return StreamingHttpResponse(
            (writer.writerow(row) for row in stats.csv_rows()),
            content_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="visit-statistics.csv"'},
        )


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    """Staff write, preview, test and send newsletters (P9, P10)."""

    list_display = ["subject", "status", "created", "send_started", "send_finished"]
    list_filter = ["status"]
    search_fields = ["subject"]
    change_form_template = "admin/privacy/newsletter/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        shown = ["status", "delivery_summary", "html_preview", "text_preview"]
        if obj and obj.status != Newsletter.Status.DRAFT:
            return ["subject", "body", *shown]
        return shown

    @admin.display(description="Deliveries")
    def delivery_summary(self, obj):
        if obj.pk is None or obj.status == Newsletter.Status.DRAFT:
            subscribers = consent.granted(consent.NEWSLETTER).count()
            return f"Not sent yet. {subscribers} people consent to the newsletter now."
        counts = newsletter.delivery_counts(obj)
        return ", ".join(
            f"{label}: {counts.get(value, 0)}" for value, label in NewsletterDelivery.Status.choices
        )

    @admin.display(description="Preview (HTML)")
    def html_preview(self, obj):
        if obj.pk is None:
            return "Save to see a preview."
        return format_html('<div class="newsletter-preview">{}</div>', mark_safe(obj.body_html))

    @admin.display(description="Preview (text)")
    def text_preview(self, obj):
        if obj.pk is None:
            return "Save to see a preview."
        return format_html("<pre>{}</pre>", newsletter.render(obj)["text"])

    def response_change(self, request, obj):
        if "_send_test" in request.POST:
            newsletter.send_test(obj, request.user)
            self.message_user(request, f"A test copy is on its way to {request.user.email}.")
            return HttpResponseRedirect(request.path)
        if "_send" in request.POST:
            if newsletter.start_sending(obj):
                self.message_user(request, "The newsletter is being sent in batches.")
            else:
                self.message_user(
                    request, "This newsletter was already sent or is being sent.", "warning"
                )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(admin.ModelAdmin):
    """Who each newsletter went to: a record written by the sending task, read by staff."""

    list_display = ["newsletter", "email", "status", "updated"]
    list_filter = ["status", "newsletter"]
    search_fields = ["=email"]
    list_select_related = ["newsletter"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
class RetentionRunAdmin(admin.ModelAdmin):
    """What each retention rule did in each run (P17): written by the job, read by staff. The
    daily time is set under Periodic tasks, "Enforce retention periods"."""

    list_display = [
        "started",
        "rule",
        "outcome",
        "matched",
        "changed",
        "warned",
        "duration",
        "as_of",
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Sponsored resources (P8, P23)


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
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    inlines = [SponsorQuestionInline]

    def get_fields(self, request, obj=None):
        return [*self.fields, "stored_file"] if obj and obj.file else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["stored_file"]

    @admin.display(description="Stored file")
    def stored_file(self, obj):
        return f"{obj.file.name} ({filesizeformat(obj.file.size)}). Upload another to replace it."


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
                disclosure, rows = sponsors.export_leads(
                    sponsor, by=request.user, only_new=form.cleaned_data["only_new"]
                )
                writer = csv.writer(_Echo())
                filename = f"leads-{slugify(sponsor.name)}-{disclosure.created:%Y%m%d-%H%M%S}.csv"
                return StreamingHttpResponse(
                    (writer.writerow(row) for row in rows),
                    content_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'},
                )
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the site writes and staff only read."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
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


class DisclosedLeadInline(admin.TabularInline):
    model = DisclosedLead
    fields = ["lead", "email", "consent", "fields"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    """Every export of leads: which people, which fields, to which sponsor, when, by whom."""

    list_display = ["created", "sponsor", "people", "disclosed_by"]
    list_filter = ["sponsor"]
    list_select_related = ["sponsor", "disclosed_by"]
    date_hierarchy = "created"
    inlines = [DisclosedLeadInline]


# Feedback (P16)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "status", "user", "email", "for_publication", "published_at"]
    list_filter = [
        "status",
        "kind",
        "for_publication",
        ("published_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["message", "=email", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created"
    fieldsets = [
        (None, {"fields": ["kind", "created", "user", "name", "email", "message"]}),
        ("Handling", {"fields": ["status", "closed_at", "staff_notes"]}),
        (
            "Publication",
            {
                "fields": [
                    "for_publication",
                    "published_text",
                    "sender_notified_at",
                    "published_at",
                ],
                "description": (
                    "Tick “for publication” with an edited text that identifies nobody, and save: "
                    "the sender is emailed the text first, then it appears on the published page. "
                    "Untick to take it down."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = ["kind", "created", "user", "name", "email", "message", "closed_at"]
        fields += ["sender_notified_at", "published_at"]
        if obj and obj.published_at:  # untick to edit: a changed text is a new notice
            fields.append("published_text")
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.for_publication and not obj.published_at:
            try:
                feedback.publish(obj)
            except feedback.CannotPublish as error:
                self.message_user(request, f"Not published: {error}", messages.WARNING)
            except OSError:
                self.message_user(
                    request,
                    "Not published: the email to the sender could not be sent.",
                    messages.ERROR,
                )
            else:
                self.message_user(request, "The sender was emailed, then the text was published.")
        elif not obj.for_publication and obj.published_at:
            feedback.unpublish(obj)
            self.message_user(request, "Taken off the published page.")
