from datetime import timedelta

import pytest
from django.utils import timezone

from forums import moderation
from forums.models import Category, Post, Topic
from privacy import registry

from ..factories import CategoryFactory, ModeratorFactory, PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_export_holds_the_members_posts_topics_and_ip_addresses_only():
    member = UserFactory()
    topic = TopicFactory(author=member, title="My topic")
    PostFactory(topic=topic, source="Someone else's reply")
    exported = {d.key: list(records) for d, records in registry.export(member)}
    assert [p["source"] for p in exported["forum-posts"]] == ["The first post of the topic."]
    assert [t["topic_title"] for t in exported["forum-topics"]] == ["My topic"]
    assert [p["ip_address"] for p in exported["post-ip-addresses"]] == ["203.0.113.5"]
    assert exported["reply-notifications"] == [{"notify_replies": True, "notify_mentions": True}]


def test_export_shows_titles_only_of_topics_the_member_may_see_now():
    member = UserFactory()
    started = TopicFactory(author=member, title="Moved: a rota dispute")
    replied = PostFactory(author=member, topic=TopicFactory(title="Hidden: team names")).topic
    moderator = ModeratorFactory()
    secret = CategoryFactory(name="Disciplinary cases", staff_only=True)
    moderation.move_topic(started, secret, moderator=moderator)
    moderation.moderate_topic(replied, moderation.Action.HIDE_TOPIC, moderator=moderator)
    exported = {d.key: list(records) for d, records in registry.export(member)}
    own_words = set(Post.objects.filter(author=member).values_list("source", flat=True))
    assert {p["source"] for p in exported["forum-posts"]} == own_words and len(own_words) == 2
    text = repr(exported)
    for hidden in ("Moved: a rota dispute", "Hidden: team names", "Disciplinary cases"):
        assert hidden not in text
    assert len(exported["forum-topics"]) == 1 and len(exported["topic-participation"]) == 2


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
