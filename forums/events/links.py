"""Signed codes and links (django.core.signing): the ticket shown at the door, the link that
confirms a visitor's address, and the link to one's registration (ticket, cancel, claim)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from privacy.emails import absolute_url

from .models import Registration

TICKET_SALT = "events.ticket"
CONFIRM_SALT = "events.confirm"
MANAGE_SALT = "events.registration"


def ticket(registration: Registration) -> str:
    """The ticket code: the registration's code, signed, so a made-up code is refused at once."""
    return signing.Signer(salt=TICKET_SALT).sign(registration.code)


def code_of_ticket(value: str) -> str | None:
    """The registration code a ticket carries, or None if it was not issued by the site."""
    try:
        return signing.Signer(salt=TICKET_SALT).unsign(value.strip())
    except signing.BadSignature:
        return None


def confirm_url(registration: Registration) -> str:
    token = signing.dumps({"r": registration.pk, "c": registration.code}, salt=CONFIRM_SALT)
    return absolute_url(reverse("events:confirm", args=[token]))


def manage_url(registration: Registration, *, absolute: bool = True) -> str:
    token = signing.dumps({"r": registration.pk, "c": registration.code}, salt=MANAGE_SALT)
    path = reverse("events:registration", args=[token])
    return absolute_url(path) if absolute else path


def _read(token: str, salt: str, max_age=None) -> Registration | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # tampered with or expired
        return None
    if not isinstance(data, dict):
        return None
    return (
        Registration.objects.select_related("event", "ticket_type")
        .filter(pk=data.get("r"), code=data.get("c"))
        .first()
    )


def registration_to_confirm(token: str) -> Registration | None:
    return _read(token, CONFIRM_SALT, timedelta(hours=settings.EVENTS_CONFIRM_HOURS))


def registration_to_manage(token: str) -> Registration | None:
    return _read(token, MANAGE_SALT)
