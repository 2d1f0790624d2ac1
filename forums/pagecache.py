"""What visitors (not signed in) see of the forum pages is the same for all of them, so the
rendered lists and posts are cached under version numbers that changes bump (after their
transaction commits). The posts of a topic page are the same for members too (all but
moderators, who also see hidden posts): they are rendered once for everyone, and each reader's
own parts (reply, edit and report links, the unread line) are added around them.

Each page is keyed by the versions of what it shows, so a change refreshes only the pages that
show it:
- a topic page: the topic's version;
- a category page: the category's version (its topics, their posters and counts);
- the home page: the home version (the latest topics and every category's counts and last post).
A post or a topic in place bumps its topic, its category and the home page: a reply to topic A
leaves topic B's page and the other categories' pages cached. Everything else that visitors see
(names beside posts, categories, a topic or post moved, erasure, deletions) bumps the generation,
which is part of every key."""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from .querysets import can_moderate

GENERATION_KEY = "forums:generation"
HOME_KEY = "forums:home"
TIMEOUT = 300  # also bounds staleness from changes made with QuerySet.update()


def topic_key(pk: int) -> str:
    return f"forums:topic:{pk}"


def category_key(pk: int) -> str:
    return f"forums:category:{pk}"


def _start() -> int:
    """A first value for a lost (evicted, flushed) counter. Counting again from 1 would bring back
    pages cached under the old numbers, a post hidden since included; the clock in nanoseconds is
    above every number handed out before, as long as the counter moves less than once a
    nanosecond."""
    return time.time_ns()


def versions(*keys: str) -> list[int]:
    """The counters' values, one cache round trip when they are all set."""
    found = cache.get_many(keys)
    if missing := [key for key in keys if key not in found]:
        for key in missing:
            cache.add(key, _start(), timeout=None)
        found = cache.get_many(keys)
    return [found.get(key) or _start() for key in keys]


def generation() -> int:
    return versions(GENERATION_KEY)[0]


def _bump(*keys: str) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not set yet (or evicted)
            cache.add(key, _start(), timeout=None)


def forum_changed(**kwargs) -> None:
    """Signal receiver and plain call: every visitor's page is refreshed once the change is
    committed."""
    transaction.on_commit(lambda: _bump(GENERATION_KEY))


def topic_changed(topic_id: int, category_id: int) -> None:
    """A post or a topic changed in place: its topic's, its category's and the home page."""
    keys = (topic_key(topic_id), category_key(category_id), HOME_KEY)
    transaction.on_commit(lambda: _bump(*keys))


def for_visitor(request, key: str) -> str | None:
    """The cache version of a visitor's page showing `key`, None for members (never cached)."""
    if request.user.is_authenticated:
        return None
    return "-".join(str(value) for value in versions(GENERATION_KEY, key))


@dataclass(frozen=True)
class ShownPost:
    """A post as a topic page shows it to everyone (`shown`: its author, date, number and body,
    rendered), with what the reader's own parts beside it need."""

    pk: int
    position: int
    author_id: int | None
    hidden: bool
    shown: SafeString
    # Reversed once here rather than for every reader of every post.
    edit_url: str
    report_url: str
    moderate_url: str


def topic_page_posts(request, topic, number: int, posts) -> list[ShownPost]:
    """The posts (a queryset of one page of `topic`) rendered, from the cache unless the reader
    is a moderator."""

    def render() -> list[ShownPost]:
        return [
            ShownPost(
                pk=post.pk,
                position=post.position,
                author_id=post.author_id,
                hidden=post.hidden,
                edit_url=reverse("post_edit", args=[post.pk]),
                report_url=reverse("post_report", args=[post.pk]),
                moderate_url=reverse("post_moderate", args=[post.pk]),
                shown=render_to_string(
                    "forums/post_shown.html",
                    {"post": post, "topic": topic, "page_number": number},
                ),
            )
            for post in posts
        ]

    if can_moderate(request.user):
        return render()
    version = "-".join(str(value) for value in versions(GENERATION_KEY, topic_key(topic.pk)))
    return cache.get_or_set(f"forums:posts:{version}:{topic.pk}:{number}", render, TIMEOUT)
