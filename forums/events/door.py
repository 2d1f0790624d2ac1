"""Check-in at the door: the signed ticket code, checked against the event it is for."""

from django.db import transaction
from django.utils import timezone

from . import links
from .models import Event, Registration
from .registration import RegistrationRefused, Status


@transaction.atomic
def check_in(event: Event, ticket: str) -> Registration:
    """Check the holder of a ticket in at the door of this event (the signed ticket code)."""
    code = links.code_of_ticket(ticket)
    found = code and event.registrations.select_for_update().filter(code=code).first()
    if not found:
        raise RegistrationRefused("This is not a ticket for this event.")
    if found.status != Status.CONFIRMED:
        raise RegistrationRefused(f"This ticket is not valid: {found.get_status_display()}.")
    if found.checked_in_at:
        when = timezone.localtime(found.checked_in_at, event.zone).strftime("%H:%M")
        raise RegistrationRefused(f"{found.name} was already checked in at {when}.")
    found.checked_in_at = timezone.now()
    found.save(update_fields=["checked_in_at", "updated"])
    return found
