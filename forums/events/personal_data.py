"""The personal data the events app holds (see privacy/registry.py): registrations, the access
and dietary needs given with explicit consent (health data, GDPR Art. 9), and answers to the
organisers' questions."""

from django.db.models import Q

from privacy.registry import Declaration, Erasure, LegalBasis, Retention, register

from . import registration
from .models import Answer, Event, Registration


def _registrations(person):
    return person.rows(Registration.objects.all(), email_field="email")


def _erase_registrations(person, keep_posts: bool) -> int:
    """Delete the person's registrations; seats they held go to the waiting list."""
    rows = _registrations(person)
    freed = list(Event.objects.filter(pk__in=rows.holding_seats().values("event")))
    deleted = rows.delete()[1].get(Registration._meta.label, 0)
    for event in freed:
        registration.offer_seats(event)
    return deleted


def _ended_before(cutoff):
    return Registration.objects.filter(event__ends_at__lt=cutoff)


register(
    Declaration(
        key="event-registrations",
        name="Event registrations",
        model=Registration,
        erase_after=["sponsor-disclosures"],
        fields=[
            "user",
            "name",
            "email",
            "company",
            "job_title",
            "code",
            "status",
            "offer_expires_at",
            "sponsor_consent",
            "reminded_at",
            "checked_in_at",
            "cancelled_at",
            "created",
        ],
        description=(
            "Your registrations for events: your name, email address, company and job title if "
            "you gave them, your ticket, the waiting list, and when you were checked in."
        ),
        purpose="Giving you your seat and ticket, and telling you about the event.",
        legal_basis=LegalBasis.CONTRACT,
        recipients=(
            "The staff who organise the event. An event's sponsor, only if you ticked the box "
            "naming it (see disclosures)."
        ),
        export=lambda person: _registrations(person).values(
            "event__title",
            "event__starts_at",
            "ticket_type__name",
            "name",
            "email",
            "company",
            "job_title",
            "status",
            "checked_in_at",
            "cancelled_at",
            "created",
        ),
        erasure=Erasure(Erasure.DELETE, _erase_registrations),
        staff_permission="events.view_attendees",
        retention=[
            Retention(
                key="event-attendees",
                setting="EVENTS_ATTENDEE_RETENTION_DAYS",
                action=Retention.DELETE,
                expired=_ended_before,
                description="Attendee records, counted from the end of the event.",
            )
        ],
    )
)


def _needs(person):
    return _registrations(person).filter(Q(needs__gt="") | Q(needs_consent_at__isnull=False))


register(
    Declaration(
        key="event-needs",
        name="Access and dietary needs for events",
        model=Registration,
        fields=["needs", "needs_consent_at"],
        description=(
            "The access or dietary needs you gave when registering for an event, and when you "
            "agreed that we keep them. This can be health information."
        ),
        purpose="Making the event work for you.",
        legal_basis=LegalBasis.CONSENT,  # explicit consent, Art. 9(2)(a)
        recipients="Only the staff with the permission to see needs.",
        export=lambda person: _needs(person).values("event__title", "needs", "needs_consent_at"),
        erasure=Erasure.anonymise(_needs, needs="", needs_consent_at=None),
        staff_permission="events.view_needs",
        retention=[
            Retention(
                key="event-needs",
                setting="EVENTS_NEEDS_RETENTION_DAYS",
                action=Retention.CLEAR,
                changes={"needs": "", "needs_consent_at": None},
                expired=lambda cutoff: _ended_before(cutoff).filter(
                    Q(needs__gt="") | Q(needs_consent_at__isnull=False)
                ),
                description="Access and dietary needs, counted from the end of the event.",
            )
        ],
    )
)


def _answers(person):
    return Answer.objects.filter(registration__in=_registrations(person))


register(
    Declaration(
        key="event-answers",
        name="Answers to event organisers' questions",
        model=Answer,
        fields=["text"],
        erase_before=["event-registrations"],
        description="What you answered to the organisers' questions when registering.",
        purpose="Organising the event.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="The staff who organise the event.",
        export=lambda person: _answers(person).values(
            "registration__event__title", "question_text", "text"
        ),
        erasure=Erasure.delete(_answers),
        staff_permission="events.view_attendees",
        retention=[
            Retention(
                key="event-answers",
                setting="EVENTS_ATTENDEE_RETENTION_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Answer.objects.filter(
                    registration__event__ends_at__lt=cutoff
                ),
                description="Answers, with the attendee records, from the end of the event.",
            )
        ],
    )
)
