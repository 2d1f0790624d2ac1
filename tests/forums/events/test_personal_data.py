"""Attendees' personal data: in the member's export, gone on erasure, kept no longer than the
settings say after the event, and given to a sponsor only with that attendee's consent (P8)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.events import links, registration, sponsor_consent, sponsor_export
from forums.events.models import Answer, Event, Question, Registration
from privacy import registry
from privacy.models import DisclosedLead, Disclosure
from privacy.retention import job
from privacy.sponsors import services as sponsors

from ...factories import EventFactory, SponsorFactory, UserFactory, ticket

pytestmark = pytest.mark.django_db


def register(event, *, user=None, email="ada@example.org", consent_to_sponsor=None, **extra):
    choice = None
    if consent_to_sponsor is not None:
        data = {
            "email": email,
            "sponsor_consent": consent_to_sponsor,
            "sponsor_wording": sponsors.consent_text(event.sponsor),
        }
        choice = sponsor_consent.sponsor_choice(event, user=user, data=data)
    made = registration.register(
        event,
        ticket(event),
        user=user,
        details={"name": "Ada Lovelace", "email": email, **extra},
        sponsor_consent=choice,
    )
    if user is None:
        made = registration.confirm(made)
    return made


def test_a_members_export_holds_their_registrations_needs_and_answers():
    member = UserFactory()
    event = EventFactory(title="Export meetup")
    question = Question.objects.create(event=event, text="Which talk?")
    made = register(
        event, user=member, email=member.email, needs="Vegan", needs_consent_at=timezone.now()
    )
    Answer.objects.create(
        registration=made, question=question, question_text="Which talk?", text="B"
    )
    person = registry.Person.of(member)
    exported = {
        key: list(registry.get(key).export_records(person))
        for key in ("event-registrations", "event-needs", "event-answers")
    }
    assert exported["event-registrations"][0]["event__title"] == "Export meetup"
    assert exported["event-needs"][0]["needs"] == "Vegan"
    assert exported["event-answers"][0]["text"] == "B"


def test_erasing_a_seat_holder_offers_the_seat_to_the_waiting_list(emails):
    event = EventFactory(capacity=1)
    member = UserFactory()
    register(event, user=member, email=member.email)
    waiting = register(event, user=UserFactory(), email="next@example.org")
    with emails():
        registry.erase(member, keep_posts=True)
    assert not Registration.objects.filter(email=member.email).exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    assert emails.outbox[-1].to == ["next@example.org"]


def ended(days_ago: float) -> Event:
    end = timezone.now() - timedelta(days=days_ago)
    return EventFactory(starts_at=end - timedelta(hours=2), ends_at=end)


def make(event, **fields) -> Registration:
    return Registration.objects.create(
        event=event,
        ticket_type=ticket(event),
        name="Past attendee",
        email="past@example.org",
        status=Registration.Status.CONFIRMED,
        **fields,
    )


def test_needs_go_a_week_after_the_event_and_attendee_records_after_ninety_days(settings):
    assert (settings.EVENTS_NEEDS_RETENTION_DAYS, settings.EVENTS_ATTENDEE_RETENTION_DAYS) == (
        7,
        90,
    )
    consented = timezone.now() - timedelta(days=40)
    recent = make(ended(6), needs="Hearing loop", needs_consent_at=consented)
    week_old = make(ended(8), needs="Hearing loop", needs_consent_at=consented)
    old = make(ended(91))
    job.enforce(timezone.now())
    recent.refresh_from_db()
    week_old.refresh_from_db()
    assert recent.needs == "Hearing loop"
    assert (week_old.needs, week_old.needs_consent_at) == ("", None)
    assert not Registration.objects.filter(pk=old.pk).exists()
    assert Registration.objects.filter(pk=week_old.pk).exists()


def test_the_register_names_the_events_data_and_its_periods(staff_client):
    page = staff_client.get(reverse("privacy:register")).content.decode()
    assert "Event registrations" in page and "Access and dietary needs for events" in page


@pytest.fixture
def sponsored():
    return EventFactory(sponsor=SponsorFactory(name="Acme Headsets"))


def test_the_form_names_the_sponsor_with_an_unticked_box(client, sponsored):
    page = client.get(sponsored.get_absolute_url()).content.decode()
    assert "Pass the details above to Acme Headsets, and to nobody else" in page
    assert 'name="sponsor_consent"' in page
    assert 'name="sponsor_consent" checked' not in page


def test_only_attendees_who_ticked_the_box_reach_the_sponsor_and_each_export_is_logged(
    sponsored, staff_member
):
    yes = register(sponsored, email="yes@example.org", consent_to_sponsor=True)
    register(sponsored, email="no@example.org", consent_to_sponsor=False)
    rows = sponsor_export.export(Event.objects.filter(pk=sponsored.pk), by=staff_member)
    assert [row[3] for row in rows[1:]] == ["yes@example.org"]
    disclosure = Disclosure.objects.get()
    assert (disclosure.sponsor, disclosure.people) == (sponsored.sponsor, 1)
    sent = DisclosedLead.objects.get()
    assert (sent.email, sent.consent_id) == ("yes@example.org", yes.sponsor_consent_id)


def test_an_attendee_can_stop_their_details_going_to_the_sponsor(client, sponsored, staff_member):
    yes = register(sponsored, email="yes@example.org", consent_to_sponsor=True)
    path = links.manage_url(yes, absolute=False)
    assert "Stop passing my details to Acme Headsets" in client.get(path).content.decode()
    client.post(reverse("events:stop_sponsor", args=[path.split("/")[-2]]))
    rows = sponsor_export.export(Event.objects.filter(pk=sponsored.pk), by=staff_member)
    assert rows[1:] == []


def test_the_sponsor_export_action_needs_the_lead_export_permission(sponsored, moderator_client):
    register(sponsored, email="yes@example.org", consent_to_sponsor=True)
    data = {"action": "export_to_sponsor", "_selected_action": [sponsored.pk]}
    response = moderator_client.post(reverse("admin:events_event_changelist"), data)
    assert response.status_code in (302, 403)
    assert not Disclosure.objects.exists()
