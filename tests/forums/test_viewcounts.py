"""Topic views are counted in Redis and added to the topics' rows by a beat job; without Redis,
or while it is down, a view goes straight to the row. No view is lost or counted twice."""

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forums import viewcounts
from forums.models import Topic

from ..factories import TopicFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def views(topic) -> int:
    return Topic.objects.get(pk=topic.pk).view_count


def read(topic, times=1) -> list[str]:
    """The writes `times` page views made."""
    with CaptureQueriesContext(connection) as captured:
        for _ in range(times):
            assert Client(HTTP_USER_AGENT=BROWSER).get(topic.get_absolute_url()).status_code == 200
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]


def test_with_redis_a_view_writes_nothing_and_the_flush_adds_every_view_once(own_redis):
    first, second = TopicFactory(), TopicFactory()
    assert read(first, 3) == [] and read(second) == []
    assert views(first) == views(second) == 0
    assert viewcounts.flush_view_counts() == 4
    assert (views(first), views(second)) == (3, 1)
    assert viewcounts.flush_view_counts() == 0  # nothing counted twice
    read(first)
    assert viewcounts.flush_view_counts() == 1 and views(first) == 4


def test_a_flush_that_fails_leaves_its_views_for_the_next(own_redis, monkeypatch):
    topic = TopicFactory()
    read(topic, 2)

    def fail(*args, **kwargs):
        raise DatabaseError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(viewcounts.Topic.objects, "filter", fail)
        with pytest.raises(DatabaseError):
            viewcounts.flush_view_counts()
    read(topic)  # counted while the failed flush's views wait
    assert viewcounts.flush_view_counts() == 2  # the failed flush's first
    assert viewcounts.flush_view_counts() == 1
    assert views(topic) == 3


def test_only_one_flush_runs_at_a_time(own_redis):
    topic = TopicFactory()
    read(topic)
    cache.add(viewcounts.FLUSH_LOCK, True, 60)  # another flush is running
    assert viewcounts.flush_view_counts() == 0
    cache.delete(viewcounts.FLUSH_LOCK)
    assert viewcounts.flush_view_counts() == 1 and views(topic) == 1


def test_while_redis_is_down_a_view_goes_straight_to_the_row(own_redis):
    topic = TopicFactory()
    own_redis.stop()
    assert len(read(topic)) == 1
    assert views(topic) == 1


def test_without_redis_a_view_goes_straight_to_the_row(settings):
    settings.REDIS_URL = ""
    topic = TopicFactory()
    assert len(read(topic)) == 1
    assert views(topic) == 1 and viewcounts.flush_view_counts() == 0
