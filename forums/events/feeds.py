"""An Atom feed of upcoming events: what any visitor sees, no attendee data."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Event

ITEMS = 50


class UpcomingEventsFeed(Feed):
    feed_type = Atom1Feed
    title = "Upcoming events"
    subtitle = "Community events still to come, soonest first."

    def link(self):
        return reverse("events:list")

    def items(self):
        return Event.objects.upcoming().filter(cancelled_at__isnull=True)[:ITEMS]

    def item_title(self, event):
        return event.title

    def item_description(self, event):
        return event.description_html

    def item_pubdate(self, event):
        return event.created

    def item_updateddate(self, event):
        return event.updated
