"""Atom feeds: the latest topics, a category's, a topic's posts; only what a visitor sees."""

import xml.etree.ElementTree as ET

import pytest

from forums.models import Post, Topic
from tests.factories import CategoryFactory, PostFactory, TopicFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]


def test_the_latest_topics_feed_lists_what_visitors_see_newest_first(client):
    category = CategoryFactory(name="Coaching")
    older = TopicFactory(category=category, title="Older topic")
    newer = TopicFactory(category=category, title="Newer topic")
    newer.created = older.created.replace(year=older.created.year + 1)
    newer.save(update_fields=["created"])
    TopicFactory(category=CategoryFactory(staff_only=True), title="Staff room topic")
    Topic.objects.filter(pk=TopicFactory(category=category, title="Hidden topic").pk).update(
        hidden=True
    )
    assert entries(client, "/feeds/latest/") == ["Newer topic", "Older topic"]
    assert entries(client, f"/c/{category.slug}/feed/") == ["Newer topic", "Older topic"]


def test_a_topic_feed_has_its_visible_posts_and_no_author_names(client):
    topic = TopicFactory(title="Scorecards", source="How do you score calls?")
    PostFactory(topic=topic, source="We use a five-point scale.")
    Post.objects.filter(pk=PostFactory(topic=topic, source="A hidden reply").pk).update(hidden=True)
    response = client.get(f"{topic.get_absolute_url()}feed/")
    body = response.content.decode()
    assert "five-point scale" in body and "How do you score calls?" in body
    assert "A hidden reply" not in body
    assert topic.author.username not in body
    assert len(entries(client, f"{topic.get_absolute_url()}feed/")) == 2


def test_feeds_of_what_visitors_cannot_see_are_not_found_even_for_moderators(moderator_client):
    staff_room = CategoryFactory(staff_only=True)
    hidden = TopicFactory()
    Topic.objects.filter(pk=hidden.pk).update(hidden=True)
    assert moderator_client.get(f"/c/{staff_room.slug}/feed/").status_code == 404
    assert moderator_client.get(f"{hidden.get_absolute_url()}feed/").status_code == 404


def test_pages_name_their_feeds(client):
    topic = TopicFactory()
    home = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in home and "/feeds/latest/" in home
    category_page = client.get(topic.category.get_absolute_url()).content.decode()
    assert f"/c/{topic.category.slug}/feed/" in category_page
    topic_page = client.get(topic.get_absolute_url()).content.decode()
    assert f"{topic.get_absolute_url()}feed/" in topic_page
