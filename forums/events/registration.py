"""Registering for an event: seats, the waiting list, confirmation, cancellation, reminders, as
plain functions that views, the admin and tasks all call (check-in is in door.py, the sponsor's
box in sponsor_consent.py).

Seats are never oversold: every function that gives or frees a seat first locks the event's
row (`SELECT ... FOR UPDATE`), so two registrations for the same event take turns while
counting the seats left. SQLite, which has no row locks, serialises writers anyway.

A visitor's seat is taken when they confirm their address, not when they fill in the form:
addresses nobody controls then never hold seats that real people are waiting for. Until then
their registration is pending; unconfirmed after EVENTS_CONFIRM_HOURS, it is deleted.

Paid tickets: a registration for a ticket type with a price holds its seat in AWAITING_PAYMENT
while the buyer pays; `checkout.py` is where the payment feature takes over.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from community.celery import enqueue
from privacy.stats import count_feature

from . import checkout, notices
from .models import Answer, Event, Registration, TicketType

Status = Registration.Status


class RegistrationRefused(Exception):
    """The registration cannot be made or changed; the message says why, for the person."""


def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends: the seat counts read next stay true."""
    return Event.objects.select_for_update().get(pk=event.pk)


def seats_left(event: Event) -> int:
    return max(0, event.capacity - event.registrations.holding_seats().count())


def tickets_left(ticket_type: TicketType) -> int:
    return max(0, ticket_type.quantity - ticket_type.registrations.holding_seats().count())


def _has_room(event: Event, ticket_type: TicketType) -> bool:
    return seats_left(event) > 0 and tickets_left(ticket_type) > 0


def _seat_status(ticket_type: TicketType) -> str:
    return Status.CONFIRMED if ticket_type.is_free else Status.AWAITING_PAYMENT


def notify(registration: Registration, kind: str) -> None:
    """Email the registration's person about it once the transaction commits (notices.py)."""
    enqueue("events.send_notice", registration.pk, kind)


def _existing(event: Event, *, user, email: str) -> Registration | None:
    live = event.registrations.active()
    if user is not None and (found := live.filter(user=user).first()):
        return found
    return live.filter(email__iexact=email).first()


@transaction.atomic
def register(
    event: Event,
    ticket_type: TicketType,
    *,
    user,
    details: dict,
    answers: list[tuple] = (),
    sponsor_consent=None,
) -> Registration:
    """Make a registration from the form's `details` (name, email, company, job title, needs,
    needs_consent_at) and `answers` ([(question, text)]).

    A member's seat is given at once (or a place on the waiting list); a visitor's registration
    waits for their address to be confirmed (`confirm`). A visitor who sends the form again
    before confirming gets their pending registration updated and a new link.
    """
    event = _locked(event)
    if not event.is_open():
        raise RegistrationRefused("Registration for this event is closed.")
    if ticket_type.event_id != event.pk:
        raise RegistrationRefused("This ticket is not one of this event's.")
    email = details["email"].strip().lower()
    registration = _existing(event, user=user, email=email)
    if registration is not None and not _may_resend(registration, user):
        if user is None:  # tell the address's owner, not whoever typed it (no enumeration)
            notify(registration, "already")
            return registration
        raise RegistrationRefused("You are already registered for this event.")
    registration = registration or Registration(event=event)
    fields = {**details, "email": email, "ticket_type": ticket_type, "user": user}
    _fill(registration, fields, answers, sponsor_consent)
    if user is not None:
        _take_seat_or_wait(registration, event)
        registration.save(update_fields=["status"])
    if registration.status != Status.AWAITING_PAYMENT:
        notify(registration, registration.status)  # pending, confirmed or waiting
    transaction.on_commit(lambda: count_feature("event-registration"))
    return registration


def _fill(registration: Registration, fields: dict, answers, sponsor_consent) -> None:
    """Save the form's fields and answers on the (new or pending) registration."""
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.sponsor_consent = sponsor_consent
    registration.created = timezone.now()
    registration.save()
    registration.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(registration=registration, question=q, question_text=q.text, text=text)
        for q, text in answers
    )


def _may_resend(registration: Registration, user) -> bool:
    """A visitor's pending registration may be sent again (a lost link), or taken over by a
    member signed in with that address; nothing else."""
    return registration.status == Status.PENDING_CONFIRMATION and registration.user is None


def _take_seat_or_wait(registration: Registration, event: Event) -> None:
    """Give the registration a seat if one is left for its ticket type, else the waiting list.
    The caller holds the event's lock and saves the registration."""
    if _has_room(event, registration.ticket_type):
        registration.status = _seat_status(registration.ticket_type)
    else:
        registration.status = Status.WAITING


@transaction.atomic
def confirm(registration: Registration) -> Registration:
    """A visitor followed the emailed link: their seat, or the waiting list. Safe to repeat."""
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.PENDING_CONFIRMATION:
        return registration
    if not event.is_open():
        registration.status = Status.EXPIRED
        registration.save(update_fields=["status", "updated"])
        raise RegistrationRefused("Registration for this event closed before you confirmed.")
    _take_seat_or_wait(registration, event)
    registration.created = timezone.now()  # the waiting list counts from here, as a member's
    registration.save(update_fields=["status", "created", "updated"])
    if registration.status != Status.AWAITING_PAYMENT:
        notify(registration, registration.status)
    return registration


@transaction.atomic
def claim_offer(registration: Registration) -> Registration:
    """The person offered a freed seat takes it, before the offer expires."""
    _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.OFFERED or registration.offer_expires_at <= timezone.now():
        raise RegistrationRefused("This offer has expired: the seat went to the next person.")
    registration.status = _seat_status(registration.ticket_type)
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated"])
    if registration.status == Status.CONFIRMED:
        notify(registration, "confirmed")
    return registration


def offer_freed_seats(event: Event, now=None) -> int:
    """Offer every free seat to the next on the waiting list (for a ticket type with room),
    each with EVENTS_OFFER_HOURS to claim it; how many were offered. The caller holds the lock."""
    now = now or timezone.now()
    if event.cancelled_at or event.has_started(now):
        return 0
    offered = 0
    for waiting in event.registrations.filter(status=Status.WAITING).order_by("created", "id"):
        if seats_left(event) == 0:
            break
        if tickets_left(waiting.ticket_type) == 0:
            continue
        waiting.status = Status.OFFERED
        waiting.offer_expires_at = min(
            now + timedelta(hours=settings.EVENTS_OFFER_HOURS), event.starts_at
        )
        waiting.save(update_fields=["status", "offer_expires_at", "updated"])
        notify(waiting, "offered")
        offered += 1
    return offered


@transaction.atomic
def cancel_registration(registration: Registration, *, by_staff: bool = False) -> bool:
    """Cancel one registration (the attendee until the event starts, staff at any time) and
    offer its seat to the waiting list; False if it was no longer live.

    A paid ticket is refunded, an unpaid order cancelled (`checkout.refund`).
    """
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_live:
        return False
    if event.has_started() and not by_staff:
        raise RegistrationRefused("The event has started: it is too late to cancel.")
    held_seat = registration.holds_seat
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "cancelled_at", "offer_expires_at", "updated"])
    checkout.refund(registration)
    notify(registration, "cancelled")
    if held_seat:
        offer_freed_seats(event)
    return True


@transaction.atomic
def cancel_event(event: Event) -> int:
    """Staff cancel the whole event: every live registration is cancelled and its person told;
    how many. Safe to repeat."""
    event = _locked(event)
    now = timezone.now()
    if event.cancelled_at is None:
        event.cancelled_at = now
        event.save(update_fields=["cancelled_at", "updated"])
    live = list(event.registrations.active())
    for registration in live:
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.offer_expires_at = None
        notify(registration, "event_cancelled")
    Registration.objects.bulk_update(live, ["status", "cancelled_at", "offer_expires_at"])
    for registration in live:
        checkout.refund(registration)
    return len(live)


def announce_change(event: Event) -> int:
    """Staff changed when or where the event is: tell everyone registered; how many."""
    people = event.registrations.exclude(
        status__in=[*Registration.ENDED, Status.PENDING_CONFIRMATION]
    )
    count = 0
    for registration in people.only("pk"):
        notify(registration, "event_changed")
        count += 1
    return count


def lapse_expired(now=None) -> int:
    """Unclaimed offers past their time lapse, and their seats go to the next on the waiting
    list; visitors' registrations never confirmed in time are deleted (an address nobody
    proved is theirs is kept no longer). Safe to run at any time (beat)."""
    now = now or timezone.now()
    confirm_by = now - timedelta(hours=settings.EVENTS_CONFIRM_HOURS)
    unconfirmed = Registration.objects.filter(
        status=Status.PENDING_CONFIRMATION, created__lt=confirm_by
    )
    lapsed = unconfirmed.delete()[1].get(Registration._meta.label, 0)
    events = Event.objects.filter(
        registrations__status=Status.OFFERED, registrations__offer_expires_at__lte=now
    ).distinct()
    for event in events:
        lapsed += _lapse_offers(event, now)
    return lapsed


@transaction.atomic
def _lapse_offers(event: Event, now) -> int:
    event = _locked(event)
    expired = event.registrations.filter(status=Status.OFFERED, offer_expires_at__lte=now)
    count = expired.update(status=Status.EXPIRED, offer_expires_at=None, updated=now)
    offer_freed_seats(event, now)
    return count


def send_reminders(now=None) -> int:
    """Remind attendees of events starting within a day, once each (reminded_at); how many.
    Runs in the worker (beat), so it sends the emails itself."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminded_at__isnull=True,
        event__cancelled_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(days=1),
    )
    sent = 0
    for pk in due.values_list("pk", flat=True):
        # Claimed by a conditional update, so two runs at once remind nobody twice.
        if Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            sent += notices.send(pk, "reminder")
    return sent


@transaction.atomic
def offer_seats(event: Event) -> int:
    """Seats freed outside a cancellation (an erased holder, staff adding seats or tickets)
    go to the waiting list, like any freed seat."""
    return offer_freed_seats(_locked(event))
