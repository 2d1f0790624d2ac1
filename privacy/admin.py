import csv
import os
from datetime import timedelta

from cookie_consent import admin as cookie_consent_admin
from cookie_consent.models import Cookie
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from . import consent, feedback, newsletter, policy_changes, requests, sponsors, stats
from .models import (
    Consent,
    ConsentText,
    CookieConsentReceipt,
    CookieLifetime,
    DailyVisitCount,
    DataExport,
    DataRequest,
    DisclosedLead,
    Disclosure,
    Feedback,
    Lead,
    Newsletter,
    NewsletterDelivery,
    PolicyVersion,
    ProcessingRestriction,
    RequestEvent,
    Resource,
    RetentionRun,
    Sponsor,
    SponsorQuestion,
)


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
    """The ledger is append-only: staff read it and may add a row on a person's written
    request (for example a withdrawal sent by letter); nobody changes or deletes one."""

    list_display = ["created", "user", "email", "purpose", "granted", "source", "text", "policy"]
    list_filter = ["purpose", "granted", "source"]
    search_fields = ["user__username", "email"]
    list_select_related = ["user", "text", "policy"]
    date_hierarchy = "created"
    form = StaffConsentForm
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        obj.source = Consent.Source.STAFF
        obj.email = "" if obj.user else consent.normalise_email(obj.email)
        super().save_model(request, obj, form, change)

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
        text = newsletter.render(obj)["text"].replace(
            newsletter.UNSUBSCRIBE_PLACEHOLDER, "(each recipient's own unsubscribe link)"
        )
        return format_html("<pre>{}</pre>", text)

    def get_urls(self):
        send = self.admin_site.admin_view(self.send_view)
        return [path("<int:pk>/send/", send, name="privacy_newsletter_send"), *super().get_urls()]

    def response_change(self, request, obj):
        if "_send_test" in request.POST:
            newsletter.send_test(obj, request.user)
            self.message_user(request, f"A test copy is on its way to {request.user.email}.")
            return HttpResponseRedirect(request.path)
        if "_send" in request.POST:
            return HttpResponseRedirect(f"../../{obj.pk}/send/")
        return super().response_change(request, obj)

    def send_view(self, request, pk: int):
        """Confirm, then queue the newsletter; a second click finds it no longer a draft."""
        item = get_object_or_404(Newsletter, pk=pk)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        change_url = f"../../{item.pk}/change/"
        if request.method == "POST":
            if newsletter.start_sending(item):
                self.message_user(request, "The newsletter is being sent in batches.")
            else:
                self.message_user(
                    request, "This newsletter was already sent or is being sent.", "warning"
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Send the newsletter?",
            "opts": self.model._meta,
            "original": item,
            "subscribers": consent.granted(consent.NEWSLETTER).count(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/privacy/newsletter/send.html", context)


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
    fields = ["lead", "email", "consent", "fields_sent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="Fields sent")
    def fields_sent(self, obj):
        return ", ".join(obj.fields)

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
        (None, {"fields": ["kind", "created", "user", "name", "answer_to", "message"]}),
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
        fields = ["kind", "created", "user", "name", "answer_to", "message", "closed_at"]
        fields += ["sender_notified_at", "published_at"]
        if obj and obj.published_at:  # untick to edit: a changed text is a new notice
            fields.append("published_text")
        return fields

    @admin.display(description="Answer to")
    def answer_to(self, obj):
        if not obj.reply_to:
            return "-"
        return format_html('<a href="mailto:{0}">{0}</a>', obj.reply_to)

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


# Data-subject requests (P12-P16): privacy officers handle them here, through the same functions
# as the site (privacy/requests.py). Nothing is added or edited by hand: actions change state.


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("week", "Due within 7 days"), ("pending", "All pending")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.due_by(today - timedelta(days=1))
        if self.value() == "week":
            return queryset.due_by(today + timedelta(days=requests.DIGEST_DAYS))
        if self.value() == "pending":
            return queryset.pending()
        return queryset


class RequestEventInline(admin.TabularInline):
    """The audit trail: written by the functions, read by staff."""

    model = RequestEvent
    verbose_name_plural = "audit trail"
    fields = ["created", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    text = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}))


class OutcomeForm(forms.Form):
    text = forms.CharField(
        label="Outcome (the requester is told)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtensionForm(forms.Form):
    until = forms.DateField(
        label="New due date",
        help_text="At most three months after the request was received.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(
        label="Why it needs more time (the requester is told)",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "requester",
        "status",
        "received",
        "due",
        "days_left",
        "handler",
    ]
    list_display_links = ["id", "kind"]
    list_filter = [DueFilter, "status", "kind", "received"]
    search_fields = ["=id", "email", "user__username"]
    list_select_related = ["user", "handler"]
    date_hierarchy = "received"
    ordering = ["due_date", "id"]
    fields = [
        "kind",
        "status",
        "user",
        "email",
        "details",
        "keep_posts",
        "received",
        "confirmed",
        "due_date",
        "extended_due_date",
        "extension_reason",
        "extension_notified",
        "handler",
        "outcome",
        "closed",
        "restricted",
    ]
    readonly_fields = [f for f in fields if f != "handler"]
    inlines = [RequestEventInline]
    actions = [
        "confirm_identity",
        "start",
        "wait_on_requester",
        "extend",
        "produce_export",
        "carry_out_erasure",
        "restrict",
        "lift_restriction",
        "complete",
        "refuse",
    ]

    class Media:
        css = {"all": ["css/admin-requests.css"]}

    def has_add_permission(self, request):
        return False  # requests come from members and visitors

    def has_delete_permission(self, request, obj=None):
        return False  # the record is kept (P18); retention removes it

    @admin.display(description="Requester", ordering="email")
    def requester(self, obj):
        if obj.user:
            return obj.user.username
        return obj.email or "(erased)"

    @admin.display(description="Due", ordering="due_date")
    def due(self, obj):
        if obj.extended_due_date:
            return f"{obj.extended_due_date:%d %b %Y} (extended)"
        return f"{obj.due_date:%d %b %Y}"

    @admin.display(description="Days left")
    def days_left(self, obj):
        if not obj.is_pending:
            return "\u2013"
        days = obj.days_left()
        if days < 0:
            return format_html('<span class="request-overdue">Overdue by {}</span>', -days)
        if days <= requests.DIGEST_DAYS:
            return format_html('<span class="request-due-soon">{}</span>', days)
        return days

    @admin.display(description="Processing restricted", boolean=True)
    def restricted(self, obj):
        return obj.user is not None and requests.is_restricted(obj.user)

    def _run(self, request, queryset, change, done: str, **kwargs):
        """Apply one of privacy.requests' functions to each selected request."""
        changed = 0
        for data_request in queryset:
            try:
                change(data_request, by=request.user, **kwargs)
            except requests.RequestError as error:
                self.message_user(request, f"{data_request}: {error}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{done}: {changed} request(s).", messages.SUCCESS)

    def _with_form(self, request, queryset, form_class, title, run):
        """An action that first asks for a reason or a date on an intermediate page."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                run(**form.cleaned_data)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action": request.POST["action"],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/privacy/datarequest/action_form.html", context)

    @admin.action(description="Confirm the requester's identity", permissions=["change"])
    def confirm_identity(self, request, queryset):
        self._run(request, queryset, requests.confirm, "Confirmed")

    @admin.action(description="Start work", permissions=["change"])
    def start(self, request, queryset):
        self._run(request, queryset, requests.start, "Started")

    @admin.action(description="Ask the requester for something", permissions=["change"])
    def wait_on_requester(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            ReasonForm,
            "What do you need from the requester?",
            lambda text: self._run(
                request, queryset, requests.wait_on_requester, "Waiting", note=text
            ),
        )

    @admin.action(description="Extend the deadline (up to three months)", permissions=["change"])
    def extend(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            ExtensionForm,
            "Extend the deadline",
            lambda until, text: self._run(
                request, queryset, requests.extend, "Extended", until=until, reason=text
            ),
        )

    @admin.action(description="Produce the data export", permissions=["change"])
    def produce_export(self, request, queryset):
        self._run(request, queryset, requests.produce_export, "Export started")

    @admin.action(description="Carry out the erasure", permissions=["change"])
    def carry_out_erasure(self, request, queryset):
        self._run(request, queryset, requests.carry_out_erasure, "Erasure started")

    @admin.action(description="Restrict processing of the member's data", permissions=["change"])
    def restrict(self, request, queryset):
        self._run(request, queryset, requests.restrict, "Restricted")

    @admin.action(description="Lift the restriction", permissions=["change"])
    def lift_restriction(self, request, queryset):
        self._run(request, queryset, requests.lift_restriction, "Restriction lifted")

    @admin.action(description="Mark completed", permissions=["change"])
    def complete(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            OutcomeForm,
            "Mark completed",
            lambda text: self._run(request, queryset, requests.complete, "Completed", outcome=text),
        )

    @admin.action(description="Refuse (with the reason)", permissions=["change"])
    def refuse(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            ReasonForm,
            "Refuse the request",
            lambda text: self._run(request, queryset, requests.refuse, "Refused", reason=text),
        )


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Which exports exist and when they go; the files themselves are only for their owner."""

    list_display = ["__str__", "created", "ready", "size"]
    fields = ["request", "created", "ready", "size"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProcessingRestriction)
class ProcessingRestrictionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "request", "started", "lifted"]
    list_filter = [("lifted", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "request"]
    fields = ["user", "request", "started", "lifted"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # set and lifted through a restriction request

    def has_change_permission(self, request, obj=None):
        return False
