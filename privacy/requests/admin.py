"""Data-subject requests (P12-P16)."""

from django.contrib import admin, messages
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.html import format_html

from ..read_only import WrittenBySite
from . import state
from .admin_forms import DueFilter, ExtensionForm, OutcomeForm, ReasonForm, RefusalForm
from .admin_steps import NextStepsMixin
from .digest import DIGEST_DAYS
from .errors import RequestError
from .models import DataExport, DataRequest, ProcessingRestriction, RequestEvent
from .restriction import is_restricted

# The date a request is due: an extension's, or the first one.
DUE = Coalesce("extended_due_date", "due_date")
SHORT_KINDS = {
    DataRequest.Kind.ACCESS: "Access",
    DataRequest.Kind.ERASURE: "Erasure",
    DataRequest.Kind.RECTIFICATION: "Correction",
    DataRequest.Kind.RESTRICTION: "Restriction",
    DataRequest.Kind.OBJECTION: "Objection",
    DataRequest.Kind.WITHDRAW_CONSENT: "Consent withdrawal",
}

# Data-subject requests (P12-P16): privacy officers handle them here, through the same functions
# as the site (privacy/requests/state.py). Nothing is added or edited by hand: actions change
# state.


class RequestEventInline(WrittenBySite, admin.TabularInline):
    """The audit trail: written by the functions, read by staff."""

    staff_may_delete = True

    model = RequestEvent
    verbose_name_plural = "audit trail"
    fields = ["created", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(DataRequest)
class DataRequestAdmin(NextStepsMixin, WrittenBySite, admin.ModelAdmin):
    """Requests come from members and visitors, and the record is kept (P18) until retention
    removes it: staff handle a request, never add or delete one. The list opens on pending
    requests, the soonest due first; a request's page says what to do next (admin_steps.py)."""

    staff_may_change = True

    list_display = ["id", "short_kind", "requester", "status", "due", "days_left", "handler"]
    list_display_links = ["id", "short_kind"]
    list_filter = [DueFilter, "status", "kind", "received"]
    search_fields = ["=id", "email", "user__username"]
    list_select_related = ["user", "handler"]
    date_hierarchy = "received"
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
        "refusal_category",
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

    def get_queryset(self, request):
        """With the date it is due, which the Due column sorts by."""
        return super().get_queryset(request).annotate(due_on=DUE)

    def get_ordering(self, request):
        return [DUE.asc(), "id"]

    def save_model(self, request, obj, form, change):
        """The handler is the one field staff edit here: the change goes on the audit trail."""
        if "handler" in form.changed_data:
            state.assign(obj, obj.handler, by=request.user)

    @admin.display(description="Requester", ordering="email")
    def requester(self, obj):
        if obj.user:
            return obj.user.username
        return obj.email or "(erased)"

    @admin.display(description="Kind", ordering="kind")
    def short_kind(self, obj):
        return SHORT_KINDS.get(obj.kind, obj.kind)

    @admin.display(description="Due", ordering="due_on")
    def due(self, obj):
        if obj.extended_due_date:
            day = f"{obj.extended_due_date:%d %b %Y}"
            return format_html('<span class="request-date">{}</span> (extended)', day)
        return format_html('<span class="request-date">{}</span>', f"{obj.due_date:%d %b %Y}")

    @admin.display(description="Days left", ordering="due_on")
    def days_left(self, obj):
        if not obj.is_pending:
            return "\u2013"
        days = obj.days_left()
        if days < 0:
            return format_html('<span class="request-overdue">Overdue by {}</span>', -days)
        if days <= DIGEST_DAYS:
            return format_html('<span class="request-due-soon">{}</span>', days)
        return days

    @admin.display(description="Processing restricted", boolean=True)
    def restricted(self, obj):
        return obj.user is not None and is_restricted(obj.user)

    def _run(self, request, queryset, change, done: str, **kwargs):
        """Apply one of the state functions to each selected request."""
        changed = 0
        for data_request in queryset:
            try:
                change(data_request, by=request.user, **kwargs)
            except RequestError as error:
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
        self._run(request, queryset, state.confirm, "Confirmed")

    @admin.action(description="Start work", permissions=["change"])
    def start(self, request, queryset):
        self._run(request, queryset, state.start, "Started")

    @admin.action(description="Ask the requester for something", permissions=["change"])
    def wait_on_requester(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            ReasonForm,
            "What do you need from the requester?",
            lambda text: self._run(
                request, queryset, state.wait_on_requester, "Waiting", note=text
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
                request, queryset, state.extend, "Extended", until=until, reason=text
            ),
        )

    @admin.action(description="Produce the data export", permissions=["change"])
    def produce_export(self, request, queryset):
        self._run(request, queryset, state.produce_export, "Export started")

    @admin.action(description="Carry out the erasure", permissions=["change"])
    def carry_out_erasure(self, request, queryset):
        self._run(request, queryset, state.carry_out_erasure, "Erasure started")

    @admin.action(description="Restrict processing of the member's data", permissions=["change"])
    def restrict(self, request, queryset):
        self._run(request, queryset, state.restrict, "Restricted")

    @admin.action(description="Lift the restriction", permissions=["change"])
    def lift_restriction(self, request, queryset):
        self._run(request, queryset, state.lift_restriction, "Restriction lifted")

    @admin.action(description="Mark completed", permissions=["change"])
    def complete(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            OutcomeForm,
            "Mark completed",
            lambda text: self._run(request, queryset, state.complete, "Completed", outcome=text),
        )

    @admin.action(description="Refuse (with the reason)", permissions=["change"])
    def refuse(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            RefusalForm,
            "Refuse the request",
            lambda text, category: self._run(
                request, queryset, state.refuse, "Refused", reason=text, category=category
            ),
        )


@admin.register(DataExport)
class DataExportAdmin(WrittenBySite, admin.ModelAdmin):
    """Which exports exist and when they go; the files themselves are only for their owner."""

    staff_may_delete = True

    list_display = ["__str__", "created", "ready", "size"]
    fields = ["request", "created", "ready", "size"]
    readonly_fields = fields


@admin.register(ProcessingRestriction)
class ProcessingRestrictionAdmin(WrittenBySite, admin.ModelAdmin):
    staff_may_delete = True

    list_display = ["__str__", "user", "request", "started", "lifted"]
    list_filter = [("lifted", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "request"]
    fields = ["user", "request", "started", "lifted"]
    readonly_fields = fields
