"""The visitors' page cache: what invalidates it, and what it may hold."""

import pytest
from django.core.cache import cache
from django.test import Client

from forums import moderation, pagecache

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
