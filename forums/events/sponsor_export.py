"""Attendee lists as CSV rows: for staff (the attendee list), and for an event's sponsor, only
the attendees who ticked the box naming it, each export recorded as a disclosure (P8), in the
same log as sponsored resources' leads (privacy.sponsors)."""

from django.db import transaction
from django.utils import timezone

from privacy.models import DisclosedLead, Disclosure

from .models import Event, Registration

SPONSOR_FIELDS = [
    ("name", "Name"),
    ("email", "Email"),
    ("company", "Company"),
    ("job_title", "Job title"),
]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def attendee_rows(events, *, needs: bool):
    """A header, then one row per live registration of these events (streamed)."""
    header = ["Event", "Name", "Email", "Company", "Job title", "Ticket", "Status"]
    header += ["Checked in", "Questions and answers"] + (["Access or dietary needs"] * needs)
    yield header
    people = (
        Registration.objects.filter(event__in=events)
        .active()
        .select_related("event", "ticket_type")
        .prefetch_related("answers")
        .order_by("event__starts_at", "event_id", "name", "id")
    )
    for person in people.iterator(chunk_size=500):
        answers = "; ".join(f"{a.question_text}: {a.text}" for a in person.answers.all())
        row = [person.event.title, person.name, person.email, person.company, person.job_title]
        row += [person.ticket_type.name, person.get_status_display()]
        row += [_when(person.checked_in_at), answers] + ([person.needs] * needs)
        yield row


@transaction.atomic
def export(events, *, by) -> list[list]:
    """The rows for the events' sponsors: confirmed attendees whose own consent is in force,
    each sponsor's export recorded as a Disclosure with one DisclosedLead per person."""
    rows = [["Event", "Registered", *(h for _, h in SPONSOR_FIELDS), "Consent record"]]
    for event in events.filter(sponsor__isnull=False).select_related("sponsor"):
        rows += _export_event(event, by)
    return rows


def _export_event(event: Event, by) -> list[list]:
    people = list(
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .consenting_to_sponsor()
        .order_by("created", "id")
    )
    disclosure = Disclosure.objects.create(
        sponsor=event.sponsor, disclosed_by=by, people=len(people)
    )
    rows, records = [], []
    for person in people:
        values = [getattr(person, field) for field, _ in SPONSOR_FIELDS]
        given = [h for (_, h), value in zip(SPONSOR_FIELDS, values, strict=True) if value]
        rows.append([event.title, _when(person.created), *values, str(person.sponsor_consent_id)])
        records.append(
            DisclosedLead(
                disclosure=disclosure,
                user_id=person.user_id,
                email=person.email,
                consent_id=person.sponsor_consent_id,
                fields=given,
            )
        )
    DisclosedLead.objects.bulk_create(records, batch_size=1000)
    return rows
