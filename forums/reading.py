"""Unread markers: what is new in a topic since the member last read it (like Discourse).

Each member has a row per topic they opened (TopicRead) holding the highest post position they
were shown. Topic lists compare it with the topic's last position: "3" new replies, linked to
the first of them; a topic never opened is "New" while it is recent and started after the
member joined. The topic page draws a line above the first post they have not seen.
Visitors have no markers: nothing about them is stored.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from community import prepared

from . import notifications, pagecache
from .models import POSTS_PER_PAGE, TOPICS_PER_PAGE, Post, TopicParticipant, TopicRead
from .querysets import can_moderate

NEW_TOPIC_DAYS = 7
VISIT_PRECISION = timedelta(hours=1)


# The member's reads of a list's topics, with how many posts they may see came after each: every
# topic list a member opens runs it, so it is written once in SQL rather than compiled from a
# queryset on each request (which took three times as long as running it), and prepared once
# per connection (community.prepared).
UNREAD_SQL = f"""
    SELECT r.topic_id, r.last_read_position, (
        SELECT COUNT(*) FROM {Post._meta.db_table} p
        WHERE p.topic_id = r.topic_id AND p.position > r.last_read_position {{hidden}}
    )
    FROM {TopicRead._meta.db_table} r
    WHERE r.user_id = %s AND r.topic_id IN ({{topics}})
"""


def reads(user, topics) -> dict[int, tuple[int, int]]:
    """How far the member had read each of the topics they opened, and how many replies they may
    see came after (a hidden post is no news to a member who cannot open it); one query."""
    shown = "all" if can_moderate(user) else "shown"
    # As many topics as a page lists at most, the last one repeated: one statement for them all.
    listed = [topic.pk for topic in topics]
    listed += listed[-1:] * (TOPICS_PER_PAGE - len(listed))
    sql = UNREAD_SQL.format(
        hidden="" if shown == "all" else "AND NOT p.hidden", topics=", ".join(["%s"] * len(listed))
    )
    name = f"forums_unread_{shown}_{len(listed)}"
    with connection.cursor() as cursor:
        prepared.execute(cursor, name, sql, [user.pk, *listed])
        return {topic: (position, unread) for topic, position, unread in cursor.fetchall()}


def markers(user, topics, found: dict[int, tuple[int, int]] | None = None) -> dict:
    """The member's unread markers on the topics, for the marked ones only: {pk: (replies they
    may see since they last read it, "New", the address of the first unread reply)}. A topic
    they read has the count; one they never opened is New while it is recent and started after
    they joined. `found`: reads(), asked here if not given."""
    if found is None:
        found = reads(user, topics)
    new_since = max(user.date_joined, timezone.now() - timedelta(days=NEW_TOPIC_DAYS))
    marked = {}
    for topic in topics:
        read, unread = found.get(topic.pk, (None, 0))
        if unread:
            page = read // POSTS_PER_PAGE + 1
            marked[topic.pk] = (unread, False, f"{topic.get_absolute_url()}?page={page}#new")
        elif read is None and topic.created >= new_since:
            marked[topic.pk] = (0, True, "")
    return marked


def mark_unread(topics, marked: dict) -> None:
    """Set `unread_count`, `is_new` and `first_unread_url` on the topics from markers()."""
    for topic in topics:
        topic.unread_count, topic.is_new, topic.first_unread_url = marked.get(
            topic.pk, (0, False, "")
        )


# How far the member had read the topic, whether their last visit is to be recorded again,
# whether a reply emailed them since, and whether a post of theirs is on the page they opened
# (every topic page a member opens runs it; written in SQL, as above).
READ_SQL = f"""
    SELECT r.last_read_position, r.updated < %s, EXISTS (
        SELECT 1 FROM {TopicParticipant._meta.db_table} tp
        WHERE tp.user_id = %s AND tp.topic_id = %s AND tp.emailed
    ), EXISTS (
        SELECT 1 FROM {Post._meta.db_table} p
        WHERE p.topic_id = %s AND p.author_id = %s AND p.position > %s AND p.position <= %s
    )
    FROM {TopicRead._meta.db_table} r
    WHERE r.user_id = %s AND r.topic_id = %s
"""


def read_state(user, topic, number: int = 1) -> tuple[int | None, bool, bool, bool]:
    """How far the member had read the topic (None: never opened), whether their last visit is
    to be recorded again, whether a reply emailed them since, and whether page `number` has a
    post of theirs; one query. The answer may be kept for the member for up to
    pagecache.TIMEOUT (pagecache.own), so a visit is recorded again once it would be over
    VISIT_PRECISION old by then."""
    recorded_before = timezone.now() - VISIT_PRECISION + timedelta(seconds=pagecache.TIMEOUT)
    first = (number - 1) * POSTS_PER_PAGE
    with connection.cursor() as cursor:
        params = [recorded_before, user.pk, topic.pk, topic.pk, user.pk, first]
        params += [first + POSTS_PER_PAGE, user.pk, topic.pk]
        prepared.execute(cursor, "forums_read", READ_SQL, params)
        return cursor.fetchone() or (None, True, True, True)


def mark_read(user, topic, up_to: int, state: tuple | None = None) -> int | None:
    """Record that the member has been shown the topic's posts up to position `up_to`, and let
    the next reply email them again (notifications.mark_visited) if one did; `state` is
    read_state()'s (asked here if not given). Returns how far they had read before (None on
    their first visit). Reading again what they had read within the hour writes nothing,
    `updated` (the last visit, which retention counts from) being kept to the hour."""
    before, stale, was_emailed, _ = state or read_state(user, topic)
    if was_emailed:
        notifications.mark_visited(user, topic.pk)
    now = timezone.now()
    if before is None:
        TopicRead.objects.get_or_create(
            user=user, topic=topic, defaults={"last_read_position": up_to, "updated": now}
        )
    elif up_to > before or stale:
        TopicRead.objects.filter(user=user, topic=topic).update(
            last_read_position=Greatest(F("last_read_position"), Value(up_to)), updated=now
        )
    else:
        return before
    pagecache.reads_changed(user.pk)
    return before
