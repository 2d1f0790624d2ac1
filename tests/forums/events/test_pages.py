"""The events pages a visitor sees: lists, an event, its calendar file and the feed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from forums.events import demo as events_demo
from forums.events import registration
from forums.events.models import Event, Registration

from ...factories import EventFactory, TopicFactory, UserFactory, ticket

pytestmark = pytest.mark.django_db


def test_upcoming_events_are_listed_soonest_first_and_past_ones_on_their_own_tab(client):
    later = EventFactory(title="Later meetup", starts_at=timezone.now() + timedelta(days=20))
    sooner = EventFactory(title="Sooner meetup")
    past = EventFactory(title="Last year meetup", starts_at=timezone.now() - timedelta(days=300))
    EventFactory(title="Draft meetup", published=False)
    page = client.get(reverse("events:list")).content.decode()
    assert page.index(sooner.title) < page.index(later.title)
    assert past.title not in page and "Draft meetup" not in page
    past_page = client.get(reverse("events:list") + "?when=past").content.decode()
    assert past.title in past_page and sooner.title not in past_page


def test_the_list_shows_seats_left_and_full_events(client):
    EventFactory(title="Roomy", capacity=10)
    full = EventFactory(title="Packed", capacity=1)
    registration.register(
        full, ticket(full), user=UserFactory(), details={"name": "A", "email": "a@example.org"}
    )
    page = client.get(reverse("events:list")).content.decode()
    assert "10 seats left" in page
    assert "Full: waiting list" in page


def test_the_list_costs_the_same_queries_for_many_events(client, django_assert_max_num_queries):
    for _ in range(3):
        EventFactory()
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("events:list"))
    for _ in range(25):
        event = EventFactory()
        registration.register(
            event,
            ticket(event),
            user=UserFactory(),
            details={"name": "A", "email": f"a{event.pk}@example.org"},
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200


def test_an_event_shows_its_times_in_its_own_zone_and_names_the_zone(client):
    event = EventFactory(
        time_zone="America/New_York",
        starts_at=datetime(2031, 3, 4, 15, 0, tzinfo=UTC),
        ends_at=datetime(2031, 3, 4, 17, 0, tzinfo=UTC),
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Tuesday 4 March 2031, 10:00" in page  # 15:00 UTC is 10:00 in New York (EST)
    assert "America/New_York time" in page
    assert 'datetime="2031-03-04T10:00:00-05:00"' in page
    assert "50 of 50 left" in page


def test_an_event_links_its_feed_calendar_file_and_forum_topic(client):
    topic = TopicFactory(title="Let us talk about the meetup")
    event = EventFactory(topic=topic)
    page = client.get(event.get_absolute_url()).content.decode()
    feed = reverse("events:feed")
    assert f'type="application/atom+xml" title="Upcoming events" href="{feed}"' in page
    assert reverse("events:calendar", args=[event.slug]) in page
    assert topic.get_absolute_url() in page


def test_the_calendar_file_holds_the_event_in_its_zone(client):
    event = EventFactory(title="Calendar meetup", time_zone="Europe/Paris")
    response = client.get(reverse("events:calendar", args=[event.slug]))
    assert response["Content-Type"] == "text/calendar"
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["summary"]) == "Calendar meetup"
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert str(entry.decoded("dtstart").tzinfo) == "Europe/Paris"
    assert "1 Example Street" in str(entry["location"])
    assert [
        str(zone["tzid"]) for zone in Calendar.from_ical(response.content).walk("VTIMEZONE")
    ] == ["Europe/Paris"]


def test_the_feed_lists_upcoming_events_only(client):
    EventFactory(title="Coming soon")
    EventFactory(title="Long gone", starts_at=timezone.now() - timedelta(days=30))
    EventFactory(title="Called off").__class__.objects.filter(title="Called off").update(
        cancelled_at=timezone.now()
    )
    body = client.get(reverse("events:feed")).content.decode()
    assert "Coming soon" in body
    assert "Long gone" not in body and "Called off" not in body


def test_draft_and_unknown_events_are_404(client):
    draft = EventFactory(published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:detail", args=["no-such-event"])).status_code == 404
    assert client.get(reverse("events:calendar", args=[draft.slug])).status_code == 404


def test_the_header_links_to_events(client):
    assert reverse("events:list") in client.get("/").content.decode()


def test_a_past_event_offers_no_form(client):
    event = EventFactory(starts_at=timezone.now() - timedelta(days=2))
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Registration for this event is closed" in page
    assert Registration.objects.count() == 0


def test_seed_demo_adds_a_free_a_past_and_a_paid_event_once(client):
    events_demo.seed()
    events_demo.seed()
    assert Event.objects.count() == 3
    upcoming = client.get(reverse("events:list")).content.decode()
    assert "Workforce planning meetup" in upcoming and "Contact Centre Summit 2027" in upcoming
    past = client.get(reverse("events:list") + "?when=past").content.decode()
    assert "CX leaders online roundtable" in past
    paid = client.get(reverse("events:detail", args=["contact-centre-summit-2027"]))
    page = paid.content.decode()  # its paid tickets are on sale (the test provider)
    assert "Early bird" in page and 'name="ticket_type"' in page
