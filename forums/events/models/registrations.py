"""Registrations for events (the waiting list is a registration state) and answers to an
event's questions."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from community.validators import validate_single_line
from privacy.models import Consent

from .events import SEAT_HOLDING, Event, Question, TicketType

# Ticket codes: no 0/O or 1/I, so a code read aloud at the door is typed right.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(status__in=SEAT_HOLDING)

    def active(self):
        """Every registration that still counts: not cancelled, not lapsed."""
        return self.exclude(status__in=Registration.ENDED)

    def consenting_to_sponsor(self):
        """Those whose details may go to the event's sponsor now (P8): the grant given with the
        registration itself, and no later "no" to that sponsor from the same person (as for
        sponsored resources' leads, privacy.sponsors.models.LeadQuerySet.with_consent)."""
        newer = Q(created__gt=OuterRef("sponsor_consent__created")) | Q(
            created=OuterRef("sponsor_consent__created"), id__gt=OuterRef("sponsor_consent_id")
        )
        same_person = (
            Q(user=OuterRef("user"))
            | Q(user__isnull=True, email=OuterRef("email"))
            | Q(user__email__iexact=OuterRef("email"))
        )
        withdrawn = Consent.objects.filter(
            newer, same_person, purpose=OuterRef("sponsor_consent__purpose"), granted=False
        )
        consented = ExpressionWrapper(
            Q(sponsor_consent__granted=True) & ~Exists(withdrawn),
            output_field=models.BooleanField(),
        )
        return self.annotate(sponsor_consented=consented).filter(sponsor_consented=True)

    def of_person(self, user):
        """A member's registrations: those made signed in, and visitors' ones with their address."""
        return self.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))


class Registration(models.Model):
    """One person's place at an event, from the form to the door."""

    class Status(models.TextChoices):
        PENDING_CONFIRMATION = "pending", "Waiting for the email address to be confirmed"
        AWAITING_PAYMENT = "awaiting-payment", "Seat held while the ticket is paid for"
        CONFIRMED = "confirmed", "Confirmed"
        WAITING = "waiting", "On the waiting list"
        OFFERED = "offered", "Offered a freed seat"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Lapsed (not confirmed, not claimed or not paid in time)"

    ENDED = (Status.CANCELLED, Status.EXPIRED)

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.PROTECT, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(max_length=120, validators=[validate_single_line])
    email = models.EmailField()
    company = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    job_title = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    # Access or dietary needs: health data (GDPR Art. 9), stored only with explicit consent
    # (needs_consent_at), seen only with events.view_needs, cleared soon after the event.
    needs = models.TextField("access or dietary needs", max_length=1000, blank=True)
    needs_consent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_CONFIRMATION
    )
    code = models.CharField(max_length=10, unique=True, default=new_code, editable=False)
    # A seat offered from the waiting list must be claimed before this, or it goes to the next.
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # The ledger row of the choice about passing details to the event's sponsor (P8).
    sponsor_consent = models.ForeignKey(
        "privacy.Consent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The order that pays for a paid ticket (models/orders.py).
    order = models.ForeignKey(
        "events.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        permissions = [
            ("view_attendees", "Can see events' attendee lists and check attendees in"),
            ("view_needs", "Can see attendees' access and dietary needs (health data)"),
        ]
        constraints = [
            # One live registration per person and event, however the form is sent.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status__in=["cancelled", "expired"]),
                name="events_one_registration_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status__in=["cancelled", "expired"]),
                name="events_one_registration_per_member",
            ),
        ]
        indexes = [
            models.Index(fields=["email"]),
            models.Index(fields=["event", "status"]),
        ]

    def __str__(self) -> str:
        return f"Registration {self.code}"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def is_live(self) -> bool:
        return self.status not in self.ENDED


class Answer(models.Model):
    """An answer to one of the event's questions; the question's wording is kept as asked."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    question_text = models.CharField(max_length=300)
    text = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Answer {self.pk}"
