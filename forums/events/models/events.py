"""Events, their ticket types and the questions staff add to their registration form."""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from community.validators import validate_single_line
from forums.markup import render_post

# Registrations that hold a seat: a confirmed attendee, a paid ticket being paid for, and a
# freed seat offered to the next on the waiting list until the offer expires.
SEAT_HOLDING = ("confirmed", "awaiting-payment", "offered")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/London.")


def default_currency() -> str:
    return settings.EVENTS_CURRENCY


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def upcoming(self, now=None):
        return self.published().filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.published().filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def with_seats_taken(self):
        """Annotate `seats_taken`: registrations holding a seat (one query for a whole list)."""
        return self.annotate(
            seats_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING))
        )

    def with_seats_left(self):
        """Annotate `seats_left` (never below 0) as well as `seats_taken`."""
        return self.with_seats_taken().annotate(
            seats_left=Greatest(F("capacity") - F("seats_taken"), Value(0))
        )


class Event(models.Model):
    """A community event: a meetup, a conference day, a webinar."""

    title = models.CharField(max_length=150, validators=[validate_single_line])
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(help_text="Markdown, as in forum posts.")
    description_html = models.TextField(editable=False, default="")
    starts_at = models.DateTimeField("starts", db_index=True)
    ends_at = models.DateTimeField("ends", db_index=True)
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="Where the event happens: times are shown in this zone, and named.",
    )
    venue = models.TextField(blank=True, help_text="The address, for an event in person.")
    online_url = models.URLField("online link", blank=True, help_text="For an online event.")
    capacity = models.PositiveIntegerField(help_text="Seats in all: never more are given.")
    registration_closes_at = models.DateTimeField(
        "registration closes", null=True, blank=True, help_text="Empty: when the event starts."
    )
    topic = models.ForeignKey(
        "forums.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="A forum topic for discussing the event.",
    )
    sponsor = models.ForeignKey(
        "privacy.Sponsor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="Attendees' details reach the sponsor only if they tick the box naming it.",
    )
    published = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_post(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.slug])

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "An event ends after it starts."})
        if not (self.venue.strip() or self.online_url):
            raise ValidationError("Give a venue, an online link or both.")
        closes = self.registration_closes_at
        if closes and self.starts_at and closes > self.starts_at:
            raise ValidationError(
                {"registration_closes_at": "Registration closes before the event starts."}
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def closes_at(self):
        return self.registration_closes_at or self.starts_at

    def is_open(self, now=None) -> bool:
        """Registration is open: published, not cancelled, before closing time."""
        now = now or timezone.now()
        return self.published and self.cancelled_at is None and now < self.closes_at

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at


class TicketType(models.Model):
    """A kind of ticket for an event: price 0 is a free ticket."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=80, validators=[validate_single_line])
    price = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default=default_currency)
    quantity = models.PositiveIntegerField(help_text="How many of these tickets there are.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"

    @property
    def is_free(self) -> bool:
        return self.price == 0


class Question(models.Model):
    """A question staff add to an event's registration form."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300, validators=[validate_single_line])
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text
