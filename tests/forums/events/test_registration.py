"""Registering: members in two clicks, visitors through a confirmed address, the optional
fields, the needs field behind its own consent, and what the form refuses."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from forums.events import links, registration
from forums.events.models import Answer, Question, Registration

from ...factories import EventFactory, TicketTypeFactory, UserFactory, ticket

pytestmark = pytest.mark.django_db
Status = Registration.Status


def form(event, **fields):
    return {
        "ticket_type": ticket(event).pk,
        "name": "Ada Lovelace",
        "email": "ada@example.org",
    } | fields


def link_in(email, name: str) -> str:
    path = re.search(rf"https?://[^/\s]+(/events/{name}/[^\s\"<]+)", email.body).group(1)
    return path


def test_a_member_registers_in_two_clicks_with_their_profile_filled_in(emails, client):
    member = UserFactory(display_name="Grace Hopper", company="Navy")
    client.force_login(member)
    event = EventFactory()
    page = client.get(event.get_absolute_url()).content.decode()  # click one: the event
    assert 'value="Grace Hopper"' in page and f'value="{member.email}"' in page
    with emails():
        response = client.post(  # click two: Register, the form as it stands
            event.get_absolute_url(),
            {"ticket_type": ticket(event).pk, "name": "Grace Hopper", "email": member.email},
        )
    mine = Registration.objects.get()
    assert (mine.user, mine.status, mine.name) == (member, Status.CONFIRMED, "Grace Hopper")
    assert response.status_code == 302
    (email,) = emails.outbox
    assert email.to == [member.email] and "Your ticket" in email.subject
    assert links.ticket(mine) in email.body
    assert links.ticket(mine) in client.get(response["Location"]).content.decode()


def test_a_member_may_change_the_prefilled_details(emails, user_client):
    event = EventFactory()
    with emails():
        user_client.post(event.get_absolute_url(), form(event, name="Another name", company="Acme"))
    assert Registration.objects.values_list("name", "company", "email").get() == (
        "Another name",
        "Acme",
        "ada@example.org",
    )


def test_a_visitor_gets_a_seat_only_after_confirming_the_address(emails, client):
    event = EventFactory(capacity=1)
    with emails():
        response = client.post(event.get_absolute_url(), form(event))
    assert "Check your inbox" in response.content.decode()
    pending = Registration.objects.get()
    assert pending.status == Status.PENDING_CONFIRMATION and pending.user is None
    assert registration.seats_left(event) == 1  # an unconfirmed address holds no seat
    (email,) = emails.outbox
    confirm_path = link_in(email, "confirm")
    # Opening the link (or a mail scanner fetching it) changes nothing; the button does.
    assert client.get(confirm_path).status_code == 200
    assert Registration.objects.get().status == Status.PENDING_CONFIRMATION
    with emails():
        client.post(confirm_path)
    assert Registration.objects.get().status == Status.CONFIRMED
    assert "Your ticket" in emails.outbox[-1].subject
    with emails():
        client.post(confirm_path)  # again: nothing changes, no second ticket
    assert len(emails.outbox) == 2


def test_a_tampered_or_expired_confirmation_link_books_nothing(emails, client, settings):
    event = EventFactory()
    with emails():
        client.post(event.get_absolute_url(), form(event))
    path = link_in(emails.outbox[0], "confirm")
    assert client.post(path[:-3] + "xyz/").status_code == 404
    settings.EVENTS_CONFIRM_HOURS = 0
    assert client.post(path).status_code == 404
    assert Registration.objects.get().status == Status.PENDING_CONFIRMATION


def test_unconfirmed_registrations_lapse_and_are_deleted(emails, client, settings):
    event = EventFactory()
    with emails():
        client.post(event.get_absolute_url(), form(event, needs="Vegan", needs_consent="on"))
    almost = timezone.now() + timedelta(hours=settings.EVENTS_CONFIRM_HOURS, seconds=-5)
    assert registration.lapse_expired(almost) == 0
    later = timezone.now() + timedelta(hours=settings.EVENTS_CONFIRM_HOURS, seconds=1)
    assert registration.lapse_expired(later) == 1
    assert not Registration.objects.exists()
    assert client.post(link_in(emails.outbox[0], "confirm")).status_code == 404


def test_a_visitor_sending_the_form_again_gets_a_new_link_not_a_second_registration(emails, client):
    event = EventFactory()
    with emails():
        client.post(event.get_absolute_url(), form(event))
        client.post(event.get_absolute_url(), form(event, email="ADA@example.org"))
    assert Registration.objects.count() == 1
    assert [m.subject for m in emails.outbox] == [
        f"Confirm your registration for {event.title}"
    ] * 2


def test_a_registered_address_typed_again_is_told_by_email_not_on_the_page(emails, client):
    """Whoever types an address cannot learn from the page whether it attends the event."""
    event = EventFactory()
    registration.register(
        event, ticket(event), user=UserFactory(email="ada@example.org"), details=form(event)
    )
    with emails():
        response = client.post(event.get_absolute_url(), form(event))
    assert "Check your inbox" in response.content.decode()
    assert Registration.objects.count() == 1
    (email,) = emails.outbox
    assert "already registered" in email.subject


def test_a_member_cannot_register_twice(emails, user_client):
    event = EventFactory()
    with emails():
        user_client.post(event.get_absolute_url(), form(event))
        response = user_client.post(event.get_absolute_url(), form(event), follow=True)
    assert Registration.objects.count() == 1
    assert "You are registered" in response.content.decode()


def test_optional_fields_and_staff_questions_are_kept_with_the_wording_asked(emails, user_client):
    event = EventFactory()
    required = Question.objects.create(event=event, text="Which talk?", required=True)
    optional = Question.objects.create(event=event, text="Anything else?")
    data = form(event, company="Acme", job_title="Team lead")
    response = user_client.post(event.get_absolute_url(), data)
    assert response.status_code == 400 and Registration.objects.count() == 0
    with emails():
        user_client.post(event.get_absolute_url(), data | {f"question_{required.pk}": "The first"})
    answers = Answer.objects.order_by("id")
    assert [(a.question_text, a.text) for a in answers] == [
        ("Which talk?", "The first"),
        ("Anything else?", ""),
    ]
    assert optional.text.startswith("Anything")
    assert Registration.objects.values_list("company", "job_title").get() == ("Acme", "Team lead")


def test_needs_are_asked_with_their_own_unticked_consent_box_saying_why(client, settings):
    event = EventFactory()
    page = client.get(event.get_absolute_url()).content.decode()
    box = re.search(r'<input type="checkbox" name="needs_consent"[^>]*>', page).group(0)
    assert "checked" not in box
    assert f"delete it {settings.EVENTS_NEEDS_RETENTION_DAYS} days after the event" in page


def test_needs_are_stored_only_with_the_box_ticked(emails, user_client):
    event = EventFactory()
    response = user_client.post(event.get_absolute_url(), form(event, needs="Wheelchair access"))
    assert response.status_code == 400
    assert "Tick this box" in response.content.decode()
    assert Registration.objects.count() == 0
    with emails():
        user_client.post(
            event.get_absolute_url(),
            form(event, needs="Wheelchair access", needs_consent="on"),
        )
    stored = Registration.objects.get()
    assert stored.needs == "Wheelchair access" and stored.needs_consent_at is not None


def test_a_ticked_box_without_needs_stores_no_consent(emails, user_client):
    event = EventFactory()
    with emails():
        user_client.post(event.get_absolute_url(), form(event, needs_consent="on"))
    assert Registration.objects.values_list("needs", "needs_consent_at").get() == ("", None)


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": timezone.now() - timedelta(hours=1)},  # started
        {"registration_closes_at": timezone.now() - timedelta(minutes=1)},  # closed
        {"published": False},
    ],
)
def test_past_closed_and_draft_events_take_no_registration(emails, user_client, change):
    event = EventFactory()
    type(event).objects.filter(pk=event.pk).update(**change)
    with emails():
        response = user_client.post(event.get_absolute_url(), form(event))
    assert response.status_code in (400, 404)
    assert Registration.objects.count() == 0 and emails.outbox == []


def test_a_cancelled_event_takes_no_registration(emails, user_client):
    event = EventFactory()
    registration.cancel_event(event)
    response = user_client.post(event.get_absolute_url(), form(event))
    assert response.status_code == 400 and Registration.objects.count() == 0


def test_another_events_ticket_type_or_a_paid_one_is_refused(emails, user_client, settings):
    settings.PAYMENT_VARIANTS = {}  # no payment provider: paid tickets are not on sale
    event, other = EventFactory(), EventFactory()
    paid = TicketTypeFactory(event=event, name="Supporter", price="25.00")
    for ticket_type in (ticket(other), paid, "not-a-number", ""):
        pk = getattr(ticket_type, "pk", ticket_type)
        response = user_client.post(event.get_absolute_url(), form(event, ticket_type=pk))
        assert response.status_code == 400
        assert "Choose one of this event" in response.content.decode() or "required" in (
            response.content.decode()
        )
    assert Registration.objects.count() == 0
    assert "Supporter" not in user_client.get(event.get_absolute_url()).content.decode()


def test_hostile_values_get_form_errors(user_client):
    event = EventFactory()
    for bad in (
        {"email": "not an address"},
        {"name": ""},
        {"name": "x" * 500},
        {"needs": "n" * 5000, "needs_consent": "on"},
        {"name": "Line\nbreak"},
    ):
        response = user_client.post(event.get_absolute_url(), form(event) | bad)
        assert response.status_code == 400, bad
    assert Registration.objects.count() == 0


def test_visitor_registrations_are_rate_limited_per_address(emails, client):
    event = EventFactory()
    with emails():
        statuses = [
            client.post(event.get_absolute_url(), form(event)).status_code for _ in range(5)
        ]
    assert 429 in statuses
    assert len(emails.outbox) <= 3
