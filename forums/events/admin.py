"""The staff's tool for events: events with their ticket types and questions, actions that call
the same functions as the site (cancel, CSV of attendees, export to the sponsor), and
registrations (attendee data only for staff with the permission to see it)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from privacy.csv_export import csv_response

from . import order_admin, registration, sponsor_export  # noqa: F401 (order_admin: orders, invoices)
from .models import Event, Question, Registration, TicketType
from .staff_views import VIEW_ATTENDEES, VIEW_NEEDS

# What, changed by staff, every attendee is told about.
ANNOUNCED_FIELDS = {"starts_at", "ends_at", "time_zone", "venue", "online_url"}


class TicketTypeInline(admin.TabularInline):
    model = TicketType
    extra = 1


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "capacity", "published", "cancelled_at", "staff_links"]
    list_filter = ["published", "starts_at"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["topic"]
    inlines = [TicketTypeInline, QuestionInline]
    readonly_fields = ["cancelled_at"]
    actions = ["cancel_events", "export_attendees", "export_to_sponsor"]

    @admin.display(description="Attendees")
    def staff_links(self, event):
        return format_html(
            '<a href="{}">Attendees</a> · <a href="{}">Check-in</a>',
            reverse("events:attendees", args=[event.slug]),
            reverse("events:check_in", args=[event.slug]),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and ANNOUNCED_FIELDS & set(form.changed_data):
            told = registration.announce_change(obj)
            self.message_user(request, f"We are emailing the {told} people registered.")

    def save_related(self, request, form, formsets, change):
        """With the ticket types saved too: seats added go to the waiting list."""
        super().save_related(request, form, formsets, change)
        if change and (offered := registration.offer_seats(form.instance)):
            self.message_user(request, f"{offered} freed seats offered to the waiting list.")

    @admin.action(description="Cancel the selected events and tell everyone registered")
    def cancel_events(self, request, queryset):
        told = sum(registration.cancel_event(event) for event in queryset)
        self.message_user(request, f"Cancelled; {told} registrations cancelled and emailed.")

    @admin.action(description="Download the attendees of the selected events (CSV)")
    def export_attendees(self, request, queryset):
        if not request.user.has_perm(VIEW_ATTENDEES):
            self.message_user(request, "You may not see attendee lists.", messages.ERROR)
            return None
        rows = sponsor_export.attendee_rows(queryset, needs=request.user.has_perm(VIEW_NEEDS))
        return csv_response(rows, "attendees.csv")

    @admin.action(description="Send consenting attendees to the event's sponsor (CSV)")
    def export_to_sponsor(self, request, queryset):
        if not request.user.has_perm("privacy.export_leads"):
            self.message_user(request, "You may not export to sponsors.", messages.ERROR)
            return None
        rows = sponsor_export.export(queryset, by=request.user)
        return csv_response(rows, "sponsor-attendees.csv")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["code", "event", "ticket_type", "name", "status", "checked_in_at", "created"]
    list_filter = ["status", "event"]
    search_fields = ["code", "name", "email"]
    list_select_related = ["event", "ticket_type"]
    readonly_fields = [
        "event",
        "ticket_type",
        "user",
        "code",
        "status",
        "needs_consent_at",
        "offer_expires_at",
        "sponsor_consent",
        "reminded_at",
        "checked_in_at",
        "cancelled_at",
        "created",
    ]
    actions = ["cancel_registrations"]

    def has_add_permission(self, request):
        return False  # people register through the site, which counts the seats

    @admin.action(description="Cancel the selected registrations (seats go to the waiting list)")
    def cancel_registrations(self, request, queryset):
        done = sum(registration.cancel_registration(r, by_staff=True) for r in queryset)
        self.message_user(request, f"{done} registrations cancelled and emailed.")
