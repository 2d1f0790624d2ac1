import pytest

from forums.models import Category, Topic
from forums.posting import delete_posts

from ..factories import PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_replies(leaver, count):
    topic = TopicFactory()
    for _ in range(count):
        PostFactory(topic=topic, author=leaver)
    PostFactory(topic=topic)  # someone else has the last word
    return topic


def test_deleting_a_members_posts_keeps_topic_and_category_counts_right():
    leaver = UserFactory()
    topic = make_replies(leaver, 3)
    assert delete_posts(leaver.posts.all()) == 3
    topic.refresh_from_db()
    assert topic.reply_count == 1
    assert topic.last_post.author != leaver
    category = Category.objects.get(pk=topic.category_id)
    assert category.post_count == 2 and category.topic_count == 1


def test_deleting_many_posts_recounts_once_not_per_post(django_assert_max_num_queries):
    """An erasure with thousands of posts must not recount after each one."""
    few, many = UserFactory(), UserFactory()
    make_replies(few, 2)
    topic = make_replies(many, 40)
    with django_assert_max_num_queries(40):
        assert delete_posts(many.posts.all()) == 40
    assert Topic.objects.get(pk=topic.pk).reply_count == 1
