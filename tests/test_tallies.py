"""community.tallies: page views' counts wait in the process and go to Redis together."""

import logging

import pytest
from django.conf import settings
from django.test import Client

from community import tallies
from forums import viewcounts
from forums.models import Topic
from privacy.models import DailyVisitCount
from privacy.stats import flush

from .factories import TopicFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="without Redis each view is counted at once"),
]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def waiting(settings):
    """The site's setting: counts wait in the process."""
    settings.TALLIES_SEND_SECONDS = 60
    tallies.send()  # nothing from before
    yield
    tallies.send()


def view(topic, times=1):
    for _ in range(times):
        assert Client(HTTP_USER_AGENT=BROWSER).get(topic.get_absolute_url()).status_code == 200


def test_views_wait_in_the_process_and_reach_redis_together_when_due(waiting, settings):
    topic = TopicFactory()
    view(topic, 3)
    redis = viewcounts._redis()
    assert not redis.exists(viewcounts._key(viewcounts.PENDING))  # no round trip per view
    settings.TALLIES_SEND_SECONDS = 0  # due: the next view sends them all
    view(topic)
    assert redis.hget(viewcounts._key(viewcounts.PENDING), str(topic.pk)) == b"4"


def test_what_waits_is_sent_before_this_process_reads_the_counts(waiting):
    topic = TopicFactory()
    view(topic, 2)
    assert viewcounts.flush_view_counts() == 2
    assert Topic.objects.get(pk=topic.pk).view_count == 2
    assert flush.flush_visit_counts() == 2
    assert DailyVisitCount.objects.get(dimension="path", value=topic.get_absolute_url()).views == 2


def test_views_redis_did_not_take_go_to_the_rows_and_statistics_to_the_log(
    waiting, own_redis, caplog
):
    topic = TopicFactory()
    view(topic, 2)
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="community.outages"):
        tallies.send()
    assert Topic.objects.get(pk=topic.pk).view_count == 2
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "Topic views counted in the database" in logged and "go uncounted" in logged
