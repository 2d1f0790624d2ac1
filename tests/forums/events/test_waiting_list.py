"""Full events: the waiting list, freed seats offered in turn with a time limit, cancelling,
cancelled events, reminders and changes of time or place."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from forums.events import links, registration, tasks
from forums.events.models import Registration

from ...factories import EventFactory, TicketTypeFactory, UserFactory, ticket

pytestmark = pytest.mark.django_db
Status = Registration.Status


def register(event, n: int, ticket_type=None):
    return registration.register(
        event,
        ticket_type or ticket(event),
        user=UserFactory(),
        details={"name": f"Person {n}", "email": f"person{n}@example.org"},
    )


def statuses(event) -> list[str]:
    return list(event.registrations.order_by("id").values_list("status", flat=True))


def test_a_full_event_puts_people_on_the_waiting_list(emails):
    event = EventFactory(capacity=2)
    with emails():
        people = [register(event, n) for n in range(4)]
    assert statuses(event) == ["confirmed", "confirmed", "waiting", "waiting"]
    assert registration.seats_left(event) == 0
    assert "waiting list" in emails.outbox[2].subject
    assert links.ticket(people[2]) not in emails.outbox[2].body


def test_a_ticket_type_sold_out_waits_even_with_seats_left(emails):
    event = EventFactory(capacity=10, tickets=False)
    few = TicketTypeFactory(event=event, quantity=1)
    with emails():
        register(event, 0, few)
        register(event, 1, few)
    assert statuses(event) == ["confirmed", "waiting"]


def test_a_freed_seat_is_offered_to_the_next_in_line_with_a_time_limit(emails, settings):
    event = EventFactory(capacity=1)
    with emails():
        first, second, third = (register(event, n) for n in range(3))
        registration.cancel_registration(first)
    second.refresh_from_db()
    assert second.status == Status.OFFERED
    assert second.offer_expires_at == pytest.approx(
        timezone.now() + timedelta(hours=settings.EVENTS_OFFER_HOURS), abs=timedelta(minutes=1)
    )
    offer = emails.outbox[-1]
    assert offer.to == [second.email] and "A seat is free" in offer.subject
    assert registration.seats_left(event) == 0  # the offer holds the seat
    assert Registration.objects.get(pk=third.pk).status == Status.WAITING


def test_the_offer_is_claimed_through_the_emailed_link(emails, client):
    event = EventFactory(capacity=1)
    with emails():
        first, second = register(event, 0), register(event, 1)
        registration.cancel_registration(first)
    path = re.search(r"https?://[^/\s]+(/events/registration/[^\s]+/)", emails.outbox[-1].body)[1]
    assert "Take the seat" in client.get(path).content.decode()
    with emails():
        client.post(path + "claim/")
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED and second.offer_expires_at is None
    assert "Your ticket" in emails.outbox[-1].subject


def test_an_expired_offer_moves_on_to_the_next_person(emails):
    event = EventFactory(capacity=1)
    with emails():
        first, second, third = (register(event, n) for n in range(3))
        registration.cancel_registration(first)
    Registration.objects.filter(pk=second.pk).update(
        offer_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with emails():
        assert tasks.expire_holds() == 1
    assert statuses(event) == ["cancelled", "expired", "offered"]
    with pytest.raises(registration.RegistrationRefused):
        registration.claim_offer(Registration.objects.get(pk=second.pk))
    assert emails.outbox[-1].to == [third.email]


def test_cancelling_until_the_event_starts_and_not_after(emails, client):
    event = EventFactory()
    with emails():
        mine = register(event, 0)
    path = links.manage_url(mine, absolute=False)
    with emails():
        client.post(path + "cancel/")
    mine.refresh_from_db()
    assert mine.status == Status.CANCELLED and "cancelled" in emails.outbox[-1].subject
    started = EventFactory(capacity=5)
    late = register(started, 1)
    type(started).objects.filter(pk=started.pk).update(starts_at=timezone.now())
    response = client.post(links.manage_url(late, absolute=False) + "cancel/", follow=True)
    assert "too late to cancel" in response.content.decode()
    assert Registration.objects.get(pk=late.pk).status == Status.CONFIRMED


def test_a_made_up_or_altered_registration_link_is_404(client):
    event = EventFactory()
    mine = register(event, 0)
    path = links.manage_url(mine, absolute=False)
    forged = path.replace(path.split("/")[-2][:5], "AAAAA")
    assert client.get(forged).status_code == 404
    assert client.post(forged + "cancel/").status_code == 404
    assert client.get(reverse("events:registration", args=["x"])).status_code == 404
    assert client.get(path + "cancel/").status_code == 405
    assert Registration.objects.get().status == Status.CONFIRMED


def test_a_member_sees_and_cancels_only_their_own_registrations(emails, client):
    event = EventFactory()
    mine, theirs = register(event, 0), register(event, 1)
    client.force_login(mine.user)
    page = client.get(reverse("events:mine")).content.decode()
    (token,) = re.findall(r'href="/events/registration/([^/"]+)/"', page)
    assert links.registration_to_manage(token) == mine
    assert theirs.email not in page


def test_staff_cancelling_an_event_cancels_and_tells_everyone(emails, staff_client):
    event = EventFactory(capacity=1)
    with emails():
        register(event, 0), register(event, 1)
    emails.outbox.clear()
    changelist = reverse("admin:events_event_changelist")
    with emails():
        staff_client.post(changelist, {"action": "cancel_events", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert statuses(event) == ["cancelled", "cancelled"]
    assert sorted(m.to[0] for m in emails.outbox) == ["person0@example.org", "person1@example.org"]
    assert all(m.subject == f"Cancelled: {event.title}" for m in emails.outbox)


def test_changing_the_time_or_place_emails_every_attendee(emails, staff_client):
    event = EventFactory(capacity=1)
    with emails():
        register(event, 0), register(event, 1)
    emails.outbox.clear()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = {
        "title": event.title,
        "slug": event.slug,
        "description": event.description,
        "starts_at_0": "2031-05-01",
        "starts_at_1": "18:00:00",
        "ends_at_0": "2031-05-01",
        "ends_at_1": "20:00:00",
        "time_zone": "Europe/London",
        "venue": "A new place",
        "online_url": "",
        "capacity": 1,
        "published": "on",
        "ticket_types-TOTAL_FORMS": 1,
        "ticket_types-INITIAL_FORMS": 1,
        "ticket_types-0-id": ticket(event).pk,
        "ticket_types-0-event": event.pk,
        "ticket_types-0-name": "Standard",
        "ticket_types-0-price": "0",
        "ticket_types-0-currency": "GBP",
        "ticket_types-0-quantity": 1,
        "ticket_types-0-position": 0,
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
    }
    with emails():
        response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(m.to[0] for m in emails.outbox) == ["person0@example.org", "person1@example.org"]
    assert all("A new place" in m.body and "18:00" in m.body for m in emails.outbox)
    with emails():
        staff_client.post(url, data | {"title": "Only the title changes"})
    assert len(emails.outbox) == 2


def test_reminders_go_the_day_before_once(emails):
    tomorrow = EventFactory(starts_at=timezone.now() + timedelta(hours=20))
    next_week = EventFactory()
    with emails():
        register(tomorrow, 0), register(next_week, 1)
        waiting_event = EventFactory(capacity=0, starts_at=timezone.now() + timedelta(hours=5))
        register(waiting_event, 2)
    emails.outbox.clear()
    with emails():
        assert tasks.send_reminders() == 1
        assert tasks.send_reminders() == 0
    (reminder,) = emails.outbox
    assert reminder.to == ["person0@example.org"] and reminder.subject.startswith("Tomorrow")
    assert links.ticket(Registration.objects.get(email="person0@example.org")) in reminder.body


def test_the_beat_schedule_runs_the_events_jobs():
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"events.send_reminders", "events.expire_holds"} <= names


def test_seats_added_by_staff_go_to_the_waiting_list(emails, staff_client):
    event = EventFactory(capacity=1)
    with emails():
        register(event, 0), register(event, 1)
    type(event).objects.filter(pk=event.pk).update(capacity=2)
    with emails():
        assert registration.offer_seats(event) == 0  # the ticket type is still sold out
    ticket(event).__class__.objects.filter(event=event).update(quantity=2)
    with emails():
        assert registration.offer_seats(event) == 1
    assert statuses(event) == ["confirmed", "offered"]
    assert emails.outbox[-1].to == ["person1@example.org"]
