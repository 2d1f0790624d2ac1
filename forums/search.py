"""Forum search: the same behaviour on PostgreSQL and on the embedded default, SQLite.

Both match every word of the query anywhere in a post (not the exact phrase, unless it is in
"double quotes"), in any English word form ("coaching" finds "coach", "scorecards" finds
"scorecard"), ignore the words too common to mean anything ("how", "the"), understand `or` and
`-word`, and look in the topic's title (for its first post, ranked above a match in the text)
and in the text of every post. The best matches come first, a page at a time, with a snippet of
the post's plain text (never its Markdown) around the words found, highlighted with <mark>. A
member sees only what they could read on the forum pages, and may narrow the search to a
category (and its subcategories) or to one author.

- PostgreSQL: each post keeps a tsvector in Post.search_vector behind a GIN index (its title
  weighted A for a first post, its text B); `websearch_to_tsquery` reads the query. To keep a
  common word cheap, only the newest CANDIDATES matches are ranked (see _newest_matches).
- SQLite: an FTS5 table, forums_post_fts (title, body), with the Porter stemmer, holds each
  post's plain text under the post's id; bm25 ranks with the title weighted like PostgreSQL's
  A. The query is turned into an FTS5 expression with PostgreSQL's English stop words dropped.
"""

import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Func, Max, Q, Value
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import Post

CONFIG = "english"
PER_PAGE = 20
CANDIDATES = 500  # matches ranked for one query, at most
RECENT_WINDOW = 50_000  # posts
SNIPPET_WORDS = 30
FTS_TABLE = '"forums_post_fts"'
# How much more a word in a topic's title counts than one in a post's text (bm25's column
# weights; PostgreSQL's ts_rank weighs A against B by 1.0 to 0.4).
TITLE_WEIGHT = 2.5
# Control characters cannot come from a browser form, so they safely mark highlights in
# text that is escaped before the <mark> tags are put in.
_START, _STOP = "\x02", "\x03"
_ELLIPSIS = "…"

# PostgreSQL's English stop words (tsearch_data/english.stop): dropped from SQLite queries too,
# so "how to coach new agents" needs "coach", "new" and "agent", on either database.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now""".split()
)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def uses_fts5() -> bool:
    return connection.vendor == "sqlite"


def has_words(query: str) -> bool:
    return bool(re.search(r"\w", query))


def plain_text(rendered: str) -> str:
    """A post's stored HTML as the text a reader sees (what SQLite indexes and snippets show)."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(rendered))).strip()


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
    """Recompute the search index of these posts (after they are written or edited)."""
    post_ids = list(post_ids)
    if not post_ids:
        return
    if uses_full_text():
        with connection.cursor() as cursor:
            cursor.execute(
                _INDEX_SQL.format(where="p.id = ANY(%(ids)s)"),
                {"config": CONFIG, "ids": post_ids},
            )
    elif uses_fts5():
        rows = Post.objects.filter(pk__in=post_ids).values_list(
            "pk", "position", "topic__title", "html"
        )
        _fts_write(
            post_ids,
            [
                (pk, title if position == 1 else "", plain_text(rendered))
                for pk, position, title, rendered in rows
            ],
        )


def index_plain_text(rows: list[tuple[int, str, str]]) -> None:
    """SQLite: index new posts from (id, title or "", plain text) the caller already has
    (seed_demo, which would otherwise read back and re-parse 100,000 posts)."""
    if uses_fts5() and rows:
        _fts_write([pk for pk, _, _ in rows], rows)


def unindex_posts(post_ids: list[int]) -> None:
    """Take deleted posts out of SQLite's index (PostgreSQL's goes with the row)."""
    if uses_fts5() and post_ids:
        _fts_write(post_ids, [])


def _fts_write(post_ids, rows) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(post_ids), 500):
            batch = post_ids[start : start + 500]
            marks = ",".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", batch)
        if rows:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows
            )


@dataclass
class Results:
    """One page of matches, best first; each post has `snippet` (safe HTML with <mark>)."""

    posts: list = field(default_factory=list)
    page: Page | None = None

    @property
    def count(self) -> int:
        """How many matches were ranked (at most CANDIDATES)."""
        return self.page.paginator.count if self.page else 0

    def __bool__(self) -> bool:
        return bool(self.posts)

    def __iter__(self):
        return iter(self.posts)

    def __len__(self) -> int:
        return len(self.posts)


def search_posts(query: str, user, *, category=None, author: str = "", page=1) -> Results:
    """The matches `user` may see, best first, a page of PER_PAGE at a time."""
    posts = Post.objects.visible_to(user)
    if category is not None:
        posts = posts.filter(Q(topic__category=category) | Q(topic__category__parent=category))
    if author:
        posts = posts.filter(author__username__iexact=author)
    if uses_full_text():
        ts_query = SearchQuery(query, search_type="websearch", config=CONFIG)
        ranked = _postgresql_ranked(posts, ts_query)
    elif uses_fts5():
        expression = fts5_expression(query)
        ranked = _sqlite_ranked(posts, expression) if expression else []
    else:
        ranked = list(
            posts.filter(source__icontains=query)
            .order_by("-created")
            .values_list("pk", flat=True)[:CANDIDATES]
        )
    if not ranked:
        return Results()
    current = Paginator(ranked, PER_PAGE).get_page(page)
    ids = list(current.object_list)
    shown = Post.objects.filter(pk__in=ids).select_related("topic__category", "author")
    if uses_full_text():
        shown = shown.annotate(headline=_postgresql_headline(ts_query))
    found = {post.pk: post for post in shown}
    if uses_full_text():
        snippets = {pk: _highlight(html.unescape(post.headline)) for pk, post in found.items()}
    elif uses_fts5():
        snippets = _sqlite_snippets(ids, expression)
    else:
        snippets = {pk: _snippet_around(plain_text(p.html), query) for pk, p in found.items()}
    results = [found[pk] for pk in ids if pk in found]
    for post in results:
        post.snippet = snippets.get(post.pk, "")
    return Results(posts=results, page=current)


# PostgreSQL


def _postgresql_ranked(posts, ts_query) -> list[int]:
    candidates = _newest_matches(posts.filter(search_vector=ts_query))
    return list(
        Post.objects.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), ts_query))
        .order_by("-rank", "-created")
        .values_list("pk", flat=True)
    )


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
    if len(ids) < PER_PAGE:
        ids = list(matches.order_by("-created").values_list("pk", flat=True)[:CANDIDATES])
    return ids


def _postgresql_headline(ts_query) -> SearchHeadline:
    """A headline of the post's plain text: its HTML without tags (entities are decoded after,
    since the markers are control characters no entity can make). Costly: only for the posts
    shown."""
    text = Func(F("html"), Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace")
    return SearchHeadline(
        text,
        ts_query,
        config=CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=SNIPPET_WORDS + 10,
        min_words=SNIPPET_WORDS // 2,
    )


# SQLite


_TERM = re.compile(r'"([^"]*)"?|(-?)(\w+)')


def fts5_expression(query: str) -> str:
    """The query as an FTS5 expression that behaves like PostgreSQL's websearch_to_tsquery:
    words are all required (AND), "quoted words" are a phrase, `-word` excludes, `or` between
    two terms accepts either. Every term is quoted, so no character of the query is FTS5 syntax.
    Returns "" when nothing searchable is left (only stop words, say): no matches, as on
    PostgreSQL."""
    groups, current = [], {"any": [], "none": []}
    for match in _TERM.finditer(query.lower()):
        phrase, minus, word = match.groups()
        if word == "or" and not minus:
            groups.append(current)
            current = {"any": [], "none": []}
            continue
        words = re.findall(r"\w+", phrase) if phrase is not None else [word]
        if all(w in STOP_WORDS for w in words):
            continue
        # Within a phrase the stop words stay: PostgreSQL keeps their places as gaps.
        term = '"' + " ".join(words) + '"'
        current["none" if minus else "any"].append(term)
    groups.append(current)
    parts = []
    for group in groups:
        if not group["any"]:
            continue  # "-word" alone excludes from nothing: PostgreSQL matches nothing either
        part = " AND ".join(group["any"])
        if group["none"]:
            part = f"({part}) NOT " + " NOT ".join(group["none"])
        parts.append(f"({part})")
    return " OR ".join(parts)


def _sqlite_ranked(posts, expression: str) -> list[int]:
    visible, params = posts.values("pk").query.sql_with_params()
    sql = f"""
        SELECT rowid FROM {FTS_TABLE}
        WHERE {FTS_TABLE} MATCH %s AND rowid IN ({visible})
        ORDER BY bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0), rowid DESC
        LIMIT {CANDIDATES}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params])
        return [row[0] for row in cursor.fetchall()]


def _sqlite_snippets(ids: list[int], expression: str) -> dict[int, str]:
    marks = ",".join(["%s"] * len(ids))
    sql = f"""
        SELECT rowid, snippet({FTS_TABLE}, 1, %s, %s, %s, {SNIPPET_WORDS})
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({marks})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [_START, _STOP, _ELLIPSIS, expression, *ids])
        return {pk: _highlight(text) for pk, text in cursor.fetchall()}


# Both


def _highlight(text: str) -> str:
    escaped = escape(" ".join(text.split()))
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _snippet_around(text: str, query: str, width: int = 120) -> str:
    """Another database (no full-text search): the text around the first plain match."""
    at = max(text.lower().find(query.lower()), 0)
    start = max(at - width, 0)
    end = at + len(query)
    prefix = _ELLIPSIS if start else ""
    suffix = _ELLIPSIS if end + width < len(text) else ""
    marked = f"{text[start:at]}{_START}{text[at:end]}{_STOP}{text[end : end + width]}"
    return _highlight(f"{prefix}{marked}{suffix}")
