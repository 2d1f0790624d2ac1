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


def test_demo_replies_answer_their_topic_in_each_members_words(settings):
    from forums import demo_content

    settings.DEBUG = True
    call_command("seed_demo", "--members", "12", "--topics", "13", "--posts", "300")
    for topic in Topic.objects.all():
        subject = next(s for s in demo_content.SUBJECTS if topic.title.rstrip("?") in str(s[1]))
        points = subject[3]
        for post in topic.posts.filter(position__gt=1):
            assert any(point in post.source for point in points), post.source
    replies = Post.objects.filter(position__gt=1)
    assert replies.values("source").distinct().count() > replies.count() / 3
    assert Topic.objects.filter(reply_count__gt=20).exists()  # a long thread, two pages


def test_demo_members_share_one_password_hash_that_works(settings):
    from forums.models import User

    settings.DEBUG = True
    call_command("seed_demo", "--members", "8", "--topics", "2", "--posts", "4")
    members = User.objects.filter(is_staff=False)
    assert members.values("password").distinct().count() == 1
    assert members.first().check_password("community-member-demo")
    assert members.filter(emailaddress__verified=True).count() == 8
    assert members.exclude(display_name="").count() >= 5
