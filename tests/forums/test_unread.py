"""Unread markers (issue 16): what is new in a topic since a member last read it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums import moderation, reading
from forums.models import POSTS_PER_PAGE, Topic, TopicRead

from ..factories import PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def topic_item(html: str, title: str) -> str:
    return html.split(title, 1)[1].split("</li>", 1)[0]


def test_replies_since_the_last_visit_are_counted_and_linked(
    user_client, user, django_capture_on_commit_callbacks
):
    topic = TopicFactory(title="Rota swaps")
    user_client.get(topic.get_absolute_url())
    assert TopicRead.objects.get(user=user, topic=topic).last_read_position == 1
    with django_capture_on_commit_callbacks(execute=True):  # the pages showing them refresh
        first_new = PostFactory(topic=topic)
        PostFactory(topic=topic)
    item = topic_item(user_client.get("/").content.decode(), "Rota swaps")
    assert 'class="unread-count"' in item and ">2<" in item
    assert f"{topic.get_absolute_url()}?page=1#new" in item
    with django_capture_on_commit_callbacks(execute=True):  # the read refreshes their markers
        page = user_client.get(topic.get_absolute_url()).content.decode()
    line = page.index("New since your last visit")
    assert page.index('id="post-', line) == page.index(f'id="post-{first_new.pk}"')
    item = topic_item(user_client.get("/").content.decode(), "Rota swaps")
    assert "unread-count" not in item and "New" not in item


def test_the_link_goes_to_the_page_of_the_first_unread_post(
    user_client, user, django_capture_on_commit_callbacks
):
    topic = TopicFactory(title="Long thread")
    for _ in range(POSTS_PER_PAGE + 2):
        PostFactory(topic=topic)
    user_client.get(topic.get_absolute_url())  # page 1: read up to 20
    with django_capture_on_commit_callbacks(execute=True):  # the reply's commit: the page renews
        PostFactory(topic=topic)
    item = topic_item(user_client.get("/").content.decode(), "Long thread")
    assert "?page=2#new" in item and ">4<" in item  # 21, 22, 23 and the new 24
    user_client.get(topic.get_absolute_url() + "?page=2")
    user_client.get(topic.get_absolute_url())  # going back to page 1 forgets nothing
    assert TopicRead.objects.get(user=user, topic=topic).last_read_position == 24


def test_recent_topics_never_opened_are_new_but_not_those_from_before_joining(client):
    old = TopicFactory(title="From before")
    Topic.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=1))
    member = UserFactory()
    member.date_joined = timezone.now() - timedelta(hours=1)
    member.save(update_fields=["date_joined"])
    TopicFactory(title="Fresh question")
    client.force_login(member)
    html = client.get("/").content.decode()
    assert 'class="badge new"' in topic_item(html, "Fresh question")
    assert "badge new" not in topic_item(html, "From before")


def test_visitors_get_no_markers_and_leave_no_trace(client):
    topic = TopicFactory(title="Open to all")
    client.get(topic.get_absolute_url())
    PostFactory(topic=topic)
    html = client.get("/").content.decode()
    assert "unread-count" not in html and "badge new" not in html
    assert not TopicRead.objects.exists()


def test_marks_are_per_member():
    topic = TopicFactory()
    reader, other = UserFactory(), UserFactory()
    reading.mark_read(reader, topic, 1)
    PostFactory(topic=topic)
    for member, expected in ((reader, 1), (other, 0)):
        listed = list(Topic.objects.filter(pk=topic.pk))
        reading.mark_unread(listed, reading.markers(member, listed))
        assert listed[0].unread_count == expected


def test_what_a_member_read_is_in_their_export_and_goes_with_them(user):
    from privacy import registry

    topic = TopicFactory(title="Quality scores")
    reading.mark_read(user, topic, 1)
    rows = list(registry.get("topic-reads").export(registry.Person.of(user)))
    assert rows[0]["topic_title"] == "Quality scores" and rows[0]["last_read_position"] == 1
    user.delete()
    assert not TopicRead.objects.exists()


def test_hidden_posts_are_not_counted_as_unread_for_members_who_cannot_see_them(
    client, moderator, moderator_client
):
    member = UserFactory()
    client.force_login(member)
    topic = TopicFactory(title="Quiet thread")
    client.get(topic.get_absolute_url())
    moderator_client.get(topic.get_absolute_url())
    PostFactory(topic=topic)
    hidden = PostFactory(topic=topic)
    moderation.set_post_hidden(hidden, True, moderator=moderator)
    item = topic_item(client.get("/").content.decode(), "Quiet thread")
    assert 'title="1 new reply since your last visit"' in item  # the visible reply only
    item = topic_item(moderator_client.get("/").content.decode(), "Quiet thread")
    assert 'title="2 new replies since your last visit"' in item  # moderators see both
    only_hidden = TopicFactory(title="Hidden reply only")
    client.get(only_hidden.get_absolute_url())
    moderation.set_post_hidden(PostFactory(topic=only_hidden), True, moderator=moderator)
    category_page = client.get(only_hidden.category.get_absolute_url()).content.decode()
    item = topic_item(category_page, "Hidden reply only")
    assert "unread-count" not in item
