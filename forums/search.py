"""Forum search: PostgreSQL full-text search when on PostgreSQL, a plain substring match elsewhere.

On PostgreSQL each post keeps a tsvector (its topic's title, weighted A, for the first post;
its text, weighted B) in Post.search_vector, behind a GIN index; the newest 500 matches are
ranked and the best 30 come with highlighted snippets. SQLite (development and quick tests)
uses icontains, newest first.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Max
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Post

CONFIG = "english"
MAX_RESULTS = 30
CANDIDATES = 500
RECENT_WINDOW = 50_000  # posts
# Control characters cannot come from a browser form, so they safely mark highlights in
# text that is escaped before the <mark> tags are put in.
_START, _STOP = "\x02", "\x03"


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def has_words(query: str) -> bool:
    return bool(re.search(r"\w", query))


# The first post of a topic also carries the topic's title, weighted above the text.
_INDEX_SQL = """
    UPDATE forums_post AS p
    SET search_vector =
        CASE WHEN p.position = 1 THEN setweight(to_tsvector(%(config)s, t.title), 'A')
        ELSE ''::tsvector END
        || setweight(to_tsvector(%(config)s, p.source), 'B')
    FROM forums_topic AS t
    WHERE t.id = p.topic_id AND {where}
"""


def index_posts(post_ids: list[int]) -> None:
    """Recompute the search vector of these posts (after they are written or edited)."""
    if uses_full_text() and post_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                _INDEX_SQL.format(where="p.id = ANY(%(ids)s)"),
                {"config": CONFIG, "ids": list(post_ids)},
            )


def index_post_range(first_id: int, last_id: int) -> None:
    """Index posts by id range, set-based (seeding, re-indexing after a bulk load)."""
    if uses_full_text():
        with connection.cursor() as cursor:
            cursor.execute(
                _INDEX_SQL.format(where="p.id BETWEEN %(first)s AND %(last)s"),
                {"config": CONFIG, "first": first_id, "last": last_id},
            )


def search_posts(query: str, user):
    """The best matches a member may see, each with `snippet` (safe HTML with <mark>)."""
    posts = Post.objects.visible_to(user).select_related("topic__category", "author")
    if uses_full_text():
        ts_query = SearchQuery(query, search_type="websearch", config=CONFIG)
        candidates = _newest_matches(posts.filter(search_vector=ts_query))
        best = list(
            Post.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), ts_query))
            .order_by("-rank", "-created")
            .values_list("pk", flat=True)[:MAX_RESULTS]
        )
        # Headlines are costly: only for the posts shown.
        found = posts.filter(pk__in=best).annotate(
            headline=SearchHeadline(
                "source",
                ts_query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=40,
                min_words=15,
            )
        )
        results = sorted(found, key=lambda post: best.index(post.pk))
        for post in results:
            post.snippet = _highlight(post.headline)
        return results
    results = list(posts.filter(source__icontains=query).order_by("-created")[:MAX_RESULTS])
    for post in results:
        post.snippet = _snippet_around(post.source, query)
    return results


def _newest_matches(matches) -> list[int]:
    """The ids of the newest CANDIDATES matches, the only ones ranked.

    Ranking every match of a common word would read them all. The newest posts are searched
    first (a bounded scan whichever plan PostgreSQL picks); a rarer term, with fewer than a page
    of recent matches, is looked up in all posts through the GIN index (ordering by `created`,
    which has no index, keeps the planner on the GIN index).
    """
    newest = Post.objects.aggregate(newest=Max("pk"))["newest"] or 0
    recent = matches.filter(pk__gt=newest - RECENT_WINDOW).order_by("-pk")
    ids = list(recent.values_list("pk", flat=True)[:CANDIDATES])
    if len(ids) < MAX_RESULTS:
        ids = list(matches.order_by("-created").values_list("pk", flat=True)[:CANDIDATES])
    return ids


def _highlight(headline: str) -> str:
    html = escape(headline.replace("\n", " "))
    return mark_safe(html.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _snippet_around(source: str, query: str, width: int = 120) -> str:
    at = source.lower().find(query.lower())
    start = max(at - width, 0)
    before, found, after = (
        source[start:at],
        source[at : at + len(query)],
        source[at + len(query) : at + len(query) + width],
    )
    prefix = "…" if start else ""
    suffix = "…" if at + len(query) + width < len(source) else ""
    return mark_safe(
        f"{prefix}{escape(before)}<mark>{escape(found)}</mark>{escape(after)}{suffix}".replace(
            "\n", " "
        )
    )
