from celery import shared_task

from .mentions import notify_mentioned
from .models import Post
from .notifications import notify_participants
from .viewcounts import flush_view_counts as flush_views


@shared_task(name="forums.notify_reply")
def notify_reply(post_id: int) -> int:
    post = Post.objects.select_related("topic", "author").filter(pk=post_id).first()
    if post is None:  # deleted before the worker got to it
        return 0
    return notify_participants(post)


@shared_task(name="forums.notify_mentions")
def notify_mentions(post_id: int) -> int:
    post = Post.objects.select_related("topic__category", "author").filter(pk=post_id).first()
    if post is None:
        return 0
    return notify_mentioned(post)


@shared_task(name="forums.flush_view_counts")
def flush_view_counts() -> int:
    """Add the topic views counted in Redis to the topics (forums/viewcounts.py)."""
    return flush_views()
