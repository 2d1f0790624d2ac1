from celery import shared_task

from .mentions import notify_mentioned
from .models import Post
from .notifications import notify_participants


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
