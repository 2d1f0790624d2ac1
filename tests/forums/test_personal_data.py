from datetime import timedelta

import pytest
from django.utils import timezone

from forums.models import Category, Post, Topic
from privacy import registry

from ..factories import PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_export_holds_the_members_posts_topics_and_ip_addresses_only():
    member = UserFactory()
    topic = TopicFactory(author=member, title="My topic")
    PostFactory(topic=topic, source="Someone else's reply")
    exported = {d.key: list(records) for d, records in registry.export(member)}
    assert [p["source"] for p in exported["forum-posts"]] == ["The first post of the topic."]
    assert [t["title"] for t in exported["forum-topics"]] == ["My topic"]
    assert [p["ip_address"] for p in exported["post-ip-addresses"]] == ["203.0.113.5"]
    assert exported["reply-notifications"] == [{"notify_replies": True}]


def test_erasure_keeping_posts_leaves_threads_readable_without_the_name():
    member = UserFactory()
    topic = TopicFactory(author=member)
    PostFactory(topic=topic)
    registry.erase(member, keep_posts=True)
    topic.refresh_from_db()
    assert topic.author is None and topic.posts.count() == 2
    assert not Post.objects.filter(ip_address="203.0.113.5").exists()


def test_erasure_deleting_posts_keeps_counts_right():
    member = UserFactory()
    own_topic = TopicFactory(author=member)
    shared = TopicFactory()
    PostFactory(topic=shared, author=member)
    registry.erase(member, keep_posts=False)
    assert not Topic.objects.filter(pk=own_topic.pk).exists()
    assert Category.objects.get(pk=own_topic.category_id).topic_count == 0
    shared.refresh_from_db()
    assert shared.reply_count == 0 and shared.posts.count() == 1
    assert Category.objects.get(pk=shared.category_id).post_count == 1


def test_post_ip_addresses_are_cleared_after_their_retention_period(settings):
    old = PostFactory()
    Post.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=91))
    new = PostFactory()
    rule = next(r for r in registry.retention_rules() if r.key == "post-ip-addresses")
    rule.apply(rule.expired_at(timezone.now()))
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.ip_address is None and new.ip_address == "198.51.100.7"
