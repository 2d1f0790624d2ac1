"""The visitors' page cache: what invalidates it, and what it may hold."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from forums import moderation, pagecache
from forums.notifications import set_reply_notifications

from ..factories import ModeratorFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_a_lost_generation_counter_never_brings_back_pages_cached_before(
    django_capture_on_commit_callbacks,
):
    visitor = Client()
    post = PostFactory(source="Words a moderator will hide")
    url = post.topic.get_absolute_url()
    assert "Words a moderator will hide" in visitor.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.set_post_hidden(post, True, moderator=ModeratorFactory())
    assert "Words a moderator will hide" not in visitor.get(url).content.decode()
    cache.delete(pagecache.GENERATION_KEY)  # evicted
    assert "Words a moderator will hide" not in visitor.get(url).content.decode()


def test_one_visitors_query_string_is_never_served_to_the_next_visitor():
    post = PostFactory()
    url = post.topic.get_absolute_url()
    odd = "utm_id=tracker-4711&pad=" + "x" * 4096
    first = Client().get(f"{url}?{odd}").content.decode()
    assert "tracker-4711" not in first.split('id="reply"', 1)[1].split("</section>")[0]
    second = Client().get(url).content.decode()
    assert "tracker-4711" not in second and "x" * 4096 not in second
    assert f'/accounts/login/?next={url}"' in second


def generation_after(action, capture) -> int:
    with capture(execute=True):
        action()
    return pagecache.generation()


def test_sign_ins_and_private_profile_changes_keep_the_visitors_cache(
    client, user, password, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    PostFactory(author=user)
    start = pagecache.generation()
    assert (
        generation_after(lambda: client.login(username=user.username, password=password), capture)
        == start
    )
    user.refresh_from_db()
    assert user.last_login is not None
    profile = {"display_name": "", "job_title": "", "company": "", "location": "Leeds", "bio": "Hi"}
    assert generation_after(lambda: client.post("/accounts/profile/", profile), capture) == start
    user.refresh_from_db()
    assert user.location == "Leeds"
    assert generation_after(lambda: set_reply_notifications(user, False), capture) == start
    profile["job_title"] = "Team leader"  # shown beside every post of theirs
    assert generation_after(lambda: client.post("/accounts/profile/", profile), capture) > start


def test_a_post_edit_refreshes_visitors_pages_and_counts_against_the_posting_limit(
    user_client, user, settings, django_capture_on_commit_callbacks
):
    settings.FORUMS_POSTS_PER_MINUTE = 2
    post = PostFactory(author=user, source="First words")
    url = reverse("post_edit", args=[post.pk])
    start = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        assert user_client.post(url, {"source": "Second words"}).status_code == 302
    assert pagecache.generation() > start
    assert user_client.post(url, {"source": "Third words"}).status_code == 302
    response = user_client.post(url, {"source": "Fourth words"})
    assert "You can post or edit 2 messages a minute" in response.content.decode()
    post.refresh_from_db()
    assert post.source == "Third words"
