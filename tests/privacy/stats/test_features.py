"""The feature-usage log (privacy/stats/features.py): daily counts per feature, named from a
fixed list, counted where the features are used, flushed with the visit counts and shown in the
same admin report; nothing about who used them."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.models import DailyVisitCount
from privacy.newsletter import subscription
from privacy.sponsors import services as sponsors
from privacy.stats import count_feature, features, flush
from tests.factories import CategoryFactory, ResourceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def used() -> dict[str, int]:
    flush.flush_visit_counts()
    return dict(DailyVisitCount.objects.filter(dimension="feature").values_list("value", "views"))


def test_a_use_is_counted_in_the_cache_and_flushed_into_a_daily_row():
    with CaptureQueriesContext(connection) as queries:
        count_feature("search")
        count_feature("search")
        count_feature("export")
    assert queries.captured_queries == []  # as cheap as a page view's count
    assert used() == {"search": 2, "export": 1}
    count_feature("search")
    assert used() == {"search": 3, "export": 1}  # later uses add to the same day's row
    assert DailyVisitCount.objects.filter(dimension="feature").count() == 2


def test_yesterdays_uses_stay_on_yesterday():
    yesterday = timezone.localdate() - timedelta(days=1)
    count_feature("reply", day=yesterday)
    assert used() == {"reply": 1}
    assert DailyVisitCount.objects.get(dimension="feature").day == yesterday


def test_only_named_features_are_counted_so_nothing_personal_can_be():
    with pytest.raises(ValueError):
        count_feature("someone@example.org")
    assert features.FEATURE_DIMENSION == DailyVisitCount.Dimension.FEATURE
    assert {"event-registration", "ticket-sale"} <= set(features.FEATURES)  # for events


def test_a_redis_outage_costs_the_count_not_the_page(client, own_redis):
    TopicFactory(title="Queue times")
    own_redis.stop()
    assert client.get("/search/", {"q": "queue"}).status_code == 200


def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_the_sites_features_count_their_uses(
    client, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory()
    members = member_client(member)
    category = CategoryFactory()
    members.post(f"/c/{category.slug}/new/", {"title": "Shift swaps", "source": "How?"})
    topic = TopicFactory(category=category)
    members.post(topic.get_absolute_url(), {"source": "Like this."})
    client.get("/search/", {"q": "swaps"})
    client.get("/search/", {"q": "swaps", "page": "2"})  # the same search, its next page
    client.get("/search/", {"q": ""})  # not a search: the form says so
    with django_capture_on_commit_callbacks(execute=True):
        members.post("/privacy/my-data/export/")
        client.post("/privacy/newsletter/", {"email": "reader@example.org"})
    bodies = " ".join(message.body for message in mailoutbox)
    token = re.search(r"/privacy/newsletter/confirm/([^/\s]+)/", bodies).group(1)
    assert subscription.confirm_subscription(token) == subscription.Outcome.DONE
    members.post("/privacy/preferences/", {"newsletter": "on"})
    client.post("/feedback/", {"kind": "feedback", "message": "Nice.", "email": "a@example.org"})
    resource = ResourceFactory()
    client.post(
        resource.get_absolute_url(),
        {
            "wording": sponsors.consent_text(resource.sponsor).pk,
            "name": "Sam",
            "email": "sam@example.net",
        },
    )
    assert used() == {
        "topic": 1,
        "reply": 1,
        "search": 1,
        "export": 1,
        "newsletter-signup": 2,
        "feedback": 1,
        "resource-request": 1,
    }
    values = " ".join(DailyVisitCount.objects.values_list("value", flat=True))
    assert "swaps" not in values and "@" not in values and member.username not in values


def test_joining_with_the_newsletter_ticked_counts_a_sign_up(client):
    client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": "quiet-harbour-lantern-9",
            "password2": "quiet-harbour-lantern-9",
            "accept_terms": "on",
            "newsletter": "on",
        },
    )
    assert used() == {"newsletter-signup": 1}


def test_the_visit_report_lists_the_features_used(staff_client):
    count_feature("search")
    count_feature("search")
    count_feature("topic")
    html = staff_client.get("/admin/privacy/dailyvisitcount/").content.decode()
    table = html.split("<h2>Features used</h2>", 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>Searches</td><td>2</td>", table)
    assert re.search(r"<td>Topics started</td><td>1</td>", table)
    assert '<th scope="col">Uses</th>' in table
