"""An event as an iCalendar file (RFC 5545) for the visitor's calendar."""

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from privacy.emails import absolute_url

from .models import Event


def ics(event: Event, request=None) -> bytes:
    url = absolute_url(event.get_absolute_url())
    calendar = Calendar()
    calendar.add("prodid", "-//Community events//EN")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{url.split('/')[2]}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at.astimezone(event.zone))
    entry.add("dtend", event.ends_at.astimezone(event.zone))
    entry.add("summary", event.title)
    entry.add("description", f"{event.description}\n\n{url}")
    entry.add("url", url)
    if event.venue.strip():
        entry.add("location", " ".join(event.venue.split()))
    elif event.online_url:
        entry.add("location", event.online_url)
    if event.cancelled_at:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    calendar.add_missing_timezones()  # a VTIMEZONE, for calendars that know no zone names
    return calendar.to_ical()
