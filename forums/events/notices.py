"""The emails about a registration, one template trio each under templates/emails/events/
(privacy.emails), all service emails: sent because the person registered, never marketing."""

from django.conf import settings

from privacy import emails

from . import links
from .models import Registration

# kind -> template name under templates/emails/events/
TEMPLATES = {
    "pending": "confirm_address",  # a visitor's link to confirm their address
    "already": "already_registered",  # a visitor sent the form for an address already in
    "confirmed": "ticket",
    "waiting": "waiting_list",
    "offered": "seat_offered",
    "reminder": "reminder",
    "cancelled": "cancelled",
    "event_changed": "event_changed",
    "event_cancelled": "event_cancelled",
}


def context(registration: Registration, kind: str) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "event_url": emails.absolute_url(event.get_absolute_url()),
        "manage_url": links.manage_url(registration),
        "confirm_url": links.confirm_url(registration) if kind == "pending" else "",
        "ticket": links.ticket(registration) if registration.holds_seat else "",
        "zone": event.time_zone,
        "confirm_hours": settings.EVENTS_CONFIRM_HOURS,
        "offer_hours": settings.EVENTS_OFFER_HOURS,
    }


def send(registration_id: int, kind: str) -> int:
    """Send one email about the registration; how many were sent (0 if it is gone, or the kind
    is unknown)."""
    registration = (
        Registration.objects.select_related("event", "ticket_type")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or kind not in TEMPLATES:
        return 0
    name = f"events/{TEMPLATES[kind]}"
    emails.build(name, registration.email, context(registration, kind)).send()
    return 1
