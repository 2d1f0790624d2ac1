"""Staff and events: the attendee list and its counts, check-in at the door, the CSV export,
and who may see what (moderators see no attendee data, needs need their own permission)."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums.events import links, registration
from forums.events.models import Registration

from ...factories import EventFactory, ModeratorFactory, UserFactory, ticket

pytestmark = pytest.mark.django_db


def register(event, n: int, **extra):
    return registration.register(
        event,
        ticket(event),
        user=UserFactory(),
        details={"name": f"Person {n}", "email": f"person{n}@example.org", **extra},
    )


def organiser(*codenames) -> Client:
    """A staff member with a second factor and only these events permissions."""
    user = ModeratorFactory(second_factor=True)
    user.groups.clear()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def event(db):
    event = EventFactory(capacity=2)
    register(event, 0, needs="Step-free access", needs_consent_at=timezone.now())
    register(event, 1, company="Acme")
    register(event, 2)  # waiting
    return event


def test_the_attendee_list_shows_people_and_counts_to_organisers(event):
    page = organiser("view_attendees").get(reverse("events:attendees", args=[event.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "person0@example.org" in text and "Acme" in text and "On the waiting list" in text
    assert "Step-free access" not in text  # needs: another permission


def test_needs_are_shown_only_with_their_own_permission(event):
    page = organiser("view_attendees", "view_needs").get(
        reverse("events:attendees", args=[event.slug])
    )
    assert "Step-free access" in page.content.decode()


@pytest.mark.parametrize("page", ["events:attendees", "events:check_in"])
def test_moderators_members_and_visitors_see_no_attendee_data(
    event, moderator_client, page, client
):
    url = reverse(page, args=[event.slug])
    assert moderator_client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_moderators_cannot_open_registrations_in_the_admin(event, moderator_client):
    url = reverse("admin:events_registration_changelist")
    assert moderator_client.get(url).status_code == 403


def test_check_in_by_ticket_code(event):
    staff = organiser("view_attendees")
    attendee = Registration.objects.get(email="person0@example.org")
    url = reverse("events:check_in", args=[event.slug])
    response = staff.post(url, {"ticket": links.ticket(attendee)}, follow=True)
    assert "Person 0 is checked in" in response.content.decode()
    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None
    again = staff.post(url, {"ticket": links.ticket(attendee)})
    assert again.status_code == 400 and "already checked in" in again.content.decode()


def test_check_in_refuses_made_up_codes_other_events_tickets_and_waiting_places(event):
    staff = organiser("view_attendees")
    url = reverse("events:check_in", args=[event.slug])
    other_event = EventFactory()
    elsewhere = register(other_event, 9)
    waiting = Registration.objects.get(email="person2@example.org")
    for code in (
        "made-up",
        links.ticket(elsewhere),
        links.ticket(waiting),
        waiting.code,  # the bare code, without its signature
        "",
        "x" * 5000,
    ):
        response = staff.post(url, {"ticket": code})
        assert response.status_code == 400, code
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_attendee_csv_goes_through_the_one_writer_with_needs_only_by_permission(
    event, staff_client
):
    data = {"action": "export_attendees", "_selected_action": [event.pk]}
    admin_csv = staff_client.post(reverse("admin:events_event_changelist"), data)
    rows = csv_rows(admin_csv)
    assert rows[0][-1] == "Access or dietary needs"
    assert ["Person 0", "Step-free access"] == [rows[1][1], rows[1][-1]]
    no_needs = organiser("view_attendees", "view_event", "view_registration")
    rows = csv_rows(no_needs.post(reverse("admin:events_event_changelist"), data))
    assert "Access or dietary needs" not in rows[0] and len(rows) == 4
    assert all("Step-free access" not in row for row in rows)


def test_the_admin_shows_needs_only_to_staff_with_their_permission(event):
    attendee = Registration.objects.get(email="person0@example.org")
    url = reverse("admin:events_registration_change", args=[attendee.pk])
    without = organiser("view_registration", "view_attendees").get(url)
    assert without.status_code == 200 and "person0@example.org" in without.content.decode()
    assert "Step-free access" not in without.content.decode()
    with_needs = organiser("view_registration", "view_attendees", "view_needs").get(url)
    assert "Step-free access" in with_needs.content.decode()
    no_attendees = organiser("view_registration").get(url).content.decode()
    assert "person0@example.org" not in no_attendees and "Step-free access" not in no_attendees
