"""The breach register in the admin (Art. 33-34): staff with the dedicated permission record a
breach, watch its 72-hour clock, and record what the authority and the people affected were
told, through plain functions (privacy/breaches/state.py) any other tool can call. Records are
never deleted (P18); every change is on the audit trail."""

import math

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from .. import registry
from ..read_only import WrittenBySite
from . import notice, state
from .desk import RED_BELOW_HOURS
from .forms import (
    AuthorityNotifiedForm,
    BreachForm,
    ConfirmSendForm,
    OptionalReasonForm,
    ReasonForm,
)
from .models import Breach, BreachDelivery, BreachEvent
from .personal_data import PERMISSION


class PermissionOnly:
    """Only staff with the breach register's own permission see or touch any of it."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request, *obj):
        return request.user.has_perm(PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False  # kept (P18, Art. 33(5))

    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)


class BreachEventInline(PermissionOnly, WrittenBySite, admin.TabularInline):
    model = BreachEvent
    verbose_name_plural = "audit trail"
    fields = ["created", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, *obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Breach)
class BreachAdmin(PermissionOnly, admin.ModelAdmin):
    form = BreachForm
    list_display = ["__str__", "discovered_at", "clock", "authority_status", "people_status"]
    list_filter = ["authority_status", "people_status", "discovered_at"]
    search_fields = ["=id", "summary"]
    date_hierarchy = "discovered_at"
    inlines = [BreachEventInline]
    DECISIONS = [
        "clock",
        "authority_status",
        "authority_notified_at",
        "authority_notification",
        "delay_reason",
        "people_status",
        "people_reason",
    ]
    NOTICE = ["recipients", "notice_started", "notice_finished", "deliveries"]
    actions = [
        "notify_authority",
        "authority_not_required",
        "people_must_be_told",
        "people_need_not_be_told",
        "send_notice",
    ]

    class Media:
        css = {"all": ["css/admin-requests.css"]}

    def get_fieldsets(self, request, obj=None):
        facts = ["summary", "description", "discovered_at", "kinds", "people_affected"]
        facts += ["consequences", "measures"]
        if obj is None:
            return [(None, {"fields": facts})]
        email = ["notice_subject", "notice_body", *self.NOTICE]
        return [
            (None, {"fields": [*facts, "recorded", "recorded_by"]}),
            ("The supervisory authority (Art. 33)", {"fields": self.DECISIONS}),
            ("The people affected (Art. 34)", {"fields": email}),
        ]

    def get_readonly_fields(self, request, obj=None):
        shown = ["recorded", "recorded_by", *self.DECISIONS, *self.NOTICE]
        if obj is not None and obj.notice_started:
            return [*shown, "notice_subject", "notice_body"]
        return shown

    def save_model(self, request, obj, form, change):
        state.save(obj, by=request.user, changed=form.changed_data if change else None)

    @admin.display(description="72-hour clock")
    def clock(self, obj):
        if obj.authority_status != Breach.Authority.PENDING:
            return obj.get_authority_status_display()
        hours = math.floor(obj.hours_left())  # as the desk counts them (desk.py)
        css = "request-overdue" if hours < RED_BELOW_HOURS else "request-due-soon"
        text = f"{hours} h left" if hours >= 0 else f"Overdue by {-hours} h"
        return format_html('<span class="{}">{}</span>', css, text)

    @admin.display(description="Would be emailed now")
    def recipients(self, obj):
        declared = {d.key: d.name for d in registry.declarations()}
        names = [declared.get(key, f"{key} (no longer declared)") for key in obj.kind_keys]
        count = notice.recipients(obj).count() if names else 0
        kinds = format_html_join(", ", "{}", ((name,) for name in names)) or "no kinds chosen"
        return format_html("{} member(s) holding: {}", count, kinds)

    @admin.display(description="Deliveries")
    def deliveries(self, obj):
        counts = notice.delivery_counts(obj)
        return ", ".join(
            f"{label}: {counts.get(value, 0)}" for value, label in BreachDelivery.Status.choices
        )

    def _run(self, request, queryset, change, done: str, **kwargs):
        """Apply one of the state functions to each selected breach."""
        changed = 0
        for breach in queryset:
            try:
                change(breach, by=request.user, **kwargs)
            except state.BreachError as error:
                self.message_user(request, f"{breach}: {error}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{done}: {changed} breach(es).", messages.SUCCESS)

    def _with_form(self, request, queryset, form_class, title, run, intro=""):
        """An action that first asks for a date, a reason or a confirmation."""
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
            "intro": intro,
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action": request.POST["action"],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/privacy/breach/action_form.html", context)

    @admin.action(description="Record the notification to the authority")
    def notify_authority(self, request, queryset):
        def run(at, how, delay_reason):
            self._run(
                request, queryset, state.notify_authority, "Recorded",
                at=at, how=how, delay_reason=delay_reason,
            )  # fmt: skip

        return self._with_form(
            request, queryset, AuthorityNotifiedForm, "Record the notification", run
        )

    @admin.action(description="Record that the authority need not be notified")
    def authority_not_required(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            ReasonForm,
            "Why is the breach unlikely to result in a risk to people?",
            lambda reason: self._run(
                request, queryset, state.authority_not_required, "Recorded", reason=reason
            ),
        )

    @admin.action(description="Decide that the people affected must be told")
    def people_must_be_told(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            OptionalReasonForm,
            "The people affected must be told",
            lambda reason: self._run(
                request, queryset, state.decide_people, "Decided", must_tell=True, reason=reason
            ),
        )

    @admin.action(description="Decide that the people affected need not be told")
    def people_need_not_be_told(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            ReasonForm,
            "Why need the people affected not be told (Art. 34(3))?",
            lambda reason: self._run(
                request, queryset, state.decide_people, "Decided", must_tell=False, reason=reason
            ),
        )

    @admin.action(description="Email the people affected")
    def send_notice(self, request, queryset):
        counts = [(breach, notice.recipients(breach).count()) for breach in queryset]
        intro = "; ".join(f"{breach}: {n} member(s) to email" for breach, n in counts)
        return self._with_form(
            request,
            queryset,
            ConfirmSendForm,
            "Email the people affected",
            lambda confirm: self._run(request, queryset, state.start_notice, "Email started"),
            intro=intro,
        )
