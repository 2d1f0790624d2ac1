"""New members' first posts are limited more tightly (forums/posting.py `new_member_refusal`):
FORUMS_NEW_MEMBER_POSTS_PER_HOUR new posts an hour until a member is older than
FORUMS_NEW_MEMBER_DAYS and has FORUMS_NEW_MEMBER_POSTS posts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums.models import Post, User

from ..factories import PostFactory, StaffFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.FORUMS_NEW_MEMBER_POSTS_PER_HOUR = 3
    settings.FORUMS_NEW_MEMBER_DAYS = 2
    settings.FORUMS_NEW_MEMBER_POSTS = 5
    settings.FORUMS_POSTS_PER_MINUTE = 100  # this file is about the hourly limit


def joined(days_ago: float, **kwargs) -> User:
    member = UserFactory(**kwargs)
    User.objects.filter(pk=member.pk).update(date_joined=timezone.now() - timedelta(days_ago))
    member.refresh_from_db()
    return member


def posts_by(member, count: int, *, minutes_ago: float = 1) -> None:
    topic = TopicFactory()
    for _ in range(count):
        PostFactory(topic=topic, author=member)
    Post.objects.filter(author=member).update(
        created=timezone.now() - timedelta(minutes=minutes_ago)
    )


def reply_as(client, member, text="Thanks, that helps."):
    client.force_login(member)
    topic = TopicFactory()
    return client.post(topic.get_absolute_url(), {"source": text})


def test_a_new_member_may_post_a_few_times_an_hour_then_is_asked_to_wait(client):
    member = joined(0)
    posts_by(member, 3)
    response = reply_as(client, member, "My fourth message this hour.")
    assert response.status_code == 400
    html = response.content.decode()
    assert "While you are new here you can post 3 messages an hour" in html
    assert "My fourth message this hour." in html  # the text is kept
    assert not Post.objects.filter(source="My fourth message this hour.").exists()


def test_starting_a_topic_counts_the_same(client):
    member = joined(0)
    posts_by(member, 3)
    client.force_login(member)
    category = TopicFactory().category
    response = client.post(
        f"/c/{category.slug}/new/", {"title": "Another new topic", "source": "Hello."}
    )
    assert "While you are new here" in response.content.decode()


def test_a_new_member_posts_again_once_the_hour_has_passed(client):
    member = joined(0)
    posts_by(member, 3, minutes_ago=61)
    assert reply_as(client, member).status_code == 302


def test_a_member_who_joined_long_ago_but_never_posted_is_still_new(client):
    member = joined(400)
    posts_by(member, 3)
    assert "While you are new here" in reply_as(client, member).content.decode()


def test_an_established_member_is_not_limited_by_the_hourly_rule(client):
    member = joined(10)
    posts_by(member, 5)  # five posts in the last few minutes: more than 3 an hour
    assert reply_as(client, member).status_code == 302


def test_a_new_member_can_still_edit_their_posts(client):
    member = joined(0)
    posts_by(member, 3)
    post = Post.objects.filter(author=member).first()
    client.force_login(member)
    response = client.post(f"/p/{post.pk}/edit/", {"source": "Corrected spelling."})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.source == "Corrected spelling."


def test_staff_are_not_limited_as_new_members(client):
    member = StaffFactory()
    posts_by(member, 3)
    assert reply_as(client, member).status_code == 302
