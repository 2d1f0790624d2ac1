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
