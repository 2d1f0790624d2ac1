"""What visitors (not signed in) see of the forum pages is the same for all of them, so the
rendered lists and posts are cached under version numbers that changes bump (after their
transaction commits). Members always get freshly rendered pages.

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

from django.core.cache import cache
from django.db import transaction

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
