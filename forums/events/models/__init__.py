"""The events app's models, one module per part: events (with ticket types and questions) and
registrations (with answers and the waiting list, which is a registration state)."""

from .events import Event, EventQuerySet, Question, TicketType
from .invoices import CreditNote, DocumentCounter, Invoice  # noqa: F401
from .orders import Order, Payment  # noqa: F401
from .registrations import Answer, Registration, RegistrationQuerySet

__all__ = [
    "Answer",
    "Event",
    "EventQuerySet",
    "Question",
    "Registration",
    "RegistrationQuerySet",
    "TicketType",
]
