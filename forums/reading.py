"""Unread markers: what is new in a topic since the member last read it (like Discourse).

Each member has a row per topic they opened (TopicRead) holding the highest post position they
were shown. Topic lists compare it with the topic's last position: "3" new replies, linked to
the first of them; a topic never opened is "New" while it is recent and started after the
member joined. The topic page draws a line above the first post they have not seen.
Visitors have no markers: nothing about them is stored.
"""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from . import notifications
from .models import POSTS_PER_PAGE, Post, TopicParticipant, TopicRead
from .querysets import can_moderate

NEW_TOPIC_DAYS = 7
VISIT_PRECISION = timedelta(hours=1)


def mark_unread(topics, user) -> bool:
    """Set `unread_count` (the replies after the member's last read that they may see: a hidden
    post is no news to a member who cannot open it), `first_unread_url` and `is_new` on the
    topics; one query. Whether any topic got a marker."""
    if not user.is_authenticated or not topics:
        return False
    newer = Post.objects.filter(
        topic=OuterRef("topic"), position__gt=OuterRef("last_read_position")
    )
    if not can_moderate(user):
        newer = newer.filter(hidden=False)
    count = newer.order_by().values("topic").annotate(n=Count("pk")).values("n")
    reads = {
        topic: (position, unread)
        for topic, position, unread in TopicRead.objects.filter(
            user=user, topic__in=[topic.pk for topic in topics]
        )
        .annotate(unread=Coalesce(Subquery(count), 0))
        .values_list("topic", "last_read_position", "unread")
    }
    new_since = max(user.date_joined, timezone.now() - timedelta(days=NEW_TOPIC_DAYS))
    for topic in topics:
        read, topic.unread_count = reads.get(topic.pk, (None, 0))
        topic.is_new = read is None and topic.created >= new_since
        if topic.unread_count:
            page = read // POSTS_PER_PAGE + 1
            topic.first_unread_url = f"{topic.get_absolute_url()}?page={page}#new"
    return any(topic.unread_count or topic.is_new for topic in topics)


def mark_read(user, topic, up_to: int) -> int | None:
    """Record that the member has been shown the topic's posts up to position `up_to`, and let
    the next reply email them again (notifications.mark_visited) if one did; returns how far
    they had read before (None on their first visit). One query when there is nothing to
    record: reading again what they had read within the hour writes nothing, `updated` (the last
    visit, which retention counts from) being kept to the hour."""
    now = timezone.now()
    read = TopicRead.objects.filter(user=user, topic=topic)
    emailed = TopicParticipant.objects.filter(user=user, topic=topic, emailed=True)
    row = read.values_list("last_read_position", "updated", Exists(emailed)).first()
    before, updated, was_emailed = row or (None, None, True)
    if was_emailed:
        notifications.mark_visited(user, topic.pk)
    if before is None:
        TopicRead.objects.get_or_create(
            user=user, topic=topic, defaults={"last_read_position": up_to, "updated": now}
        )
    elif up_to > before or updated < now - VISIT_PRECISION:
        read.update(last_read_position=Greatest(F("last_read_position"), Value(up_to)), updated=now)
    return before
