import pytest
from django.core.management import call_command

from forums.models import Category, Post, Topic

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_categories_topics_and_posts_once(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--members", "6", "--topics", "8", "--posts", "30")
    assert (Topic.objects.count(), Post.objects.count()) == (8, 30)
    call_command("seed_demo", "--members", "6", "--topics", "8", "--posts", "30")
    assert (Topic.objects.count(), Post.objects.count()) == (8, 30)
    assert Category.objects.filter(staff_only=True).exists()
    assert Category.objects.filter(announcements=True).exists()


def test_seeded_counters_and_positions_match_the_posts(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--members", "5", "--topics", "6", "--posts", "25")
    for topic in Topic.objects.all():
        positions = list(topic.posts.values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))
        assert topic.reply_count == len(positions) - 1 == topic.last_position - 1
        assert topic.last_post == topic.posts.last()
    for category in Category.objects.all():
        topics = category.topics.all()
        assert category.topic_count == topics.count()
        assert category.post_count == Post.objects.filter(topic__category=category).count()
