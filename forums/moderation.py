"""Moderation (P7): pin, lock, hide and move topics, hide posts, handle reports.

Every function writes a ModerationAction (who, what, when, why). The site's moderation forms and
the admin's actions both call these functions.
"""

from django.db import transaction
from django.utils import timezone

from .models import Category, ModerationAction, Post, Report, Topic, User
from .posting import recount_category, recount_topic
from .querysets import can_moderate

__all__ = ["can_moderate", "moderate_topic", "move_topic", "set_post_hidden", "resolve_report"]

Action = ModerationAction.Action

# action -> (field, value)
TOPIC_ACTIONS = {
    Action.PIN: ("pinned", True),
    Action.UNPIN: ("pinned", False),
    Action.LOCK: ("locked", True),
    Action.UNLOCK: ("locked", False),
    Action.HIDE_TOPIC: ("hidden", True),
    Action.UNHIDE_TOPIC: ("hidden", False),
}


@transaction.atomic
def moderate_topic(topic: Topic, action: str, *, moderator: User, reason: str = "") -> None:
    field, value = TOPIC_ACTIONS[action]
    if getattr(topic, field) == value:
        return
    setattr(topic, field, value)
    topic.save(update_fields=[field])
    if field == "hidden":
        recount_category(topic.category)
    ModerationAction.objects.create(moderator=moderator, action=action, topic=topic, reason=reason)


@transaction.atomic
def move_topic(topic: Topic, category: Category, *, moderator: User, reason: str = "") -> None:
    old = topic.category
    if old == category:
        return
    topic.category = category
    topic.save(update_fields=["category"])
    recount_category(old)
    recount_category(category)
    ModerationAction.objects.create(
        moderator=moderator,
        action=Action.MOVE,
        topic=topic,
        reason=reason,
        detail=f"from {old.name} to {category.name}",
    )


@transaction.atomic
def set_post_hidden(post: Post, hidden: bool, *, moderator: User, reason: str = "") -> None:
    if post.hidden == hidden:
        return
    post.hidden = hidden
    post.save(update_fields=["hidden"])
    recount_topic(post.topic)
    recount_category(post.topic.category)
    ModerationAction.objects.create(
        moderator=moderator,
        action=Action.HIDE_POST if hidden else Action.UNHIDE_POST,
        topic=post.topic,
        post=post,
        reason=reason,
    )


@transaction.atomic
def resolve_report(report: Report, *, moderator: User, hide_post: bool, reason: str = "") -> None:
    """Close a report (and every other open report on the same post): hide the post, or dismiss."""
    if hide_post:
        set_post_hidden(report.post, True, moderator=moderator, reason=reason or report.reason)
    else:
        ModerationAction.objects.create(
            moderator=moderator,
            action=Action.DISMISS_REPORT,
            topic=report.post.topic,
            post=report.post,
            reason=reason,
        )
    Report.objects.filter(post=report.post, status=Report.Status.OPEN).update(
        status=Report.Status.HIDDEN if hide_post else Report.Status.DISMISSED,
        resolved=timezone.now(),
        resolved_by=moderator,
    )


def report_post(post: Post, *, reporter: User, reason: str) -> Report:
    report, _ = Report.objects.get_or_create(
        post=post, reporter=reporter, status=Report.Status.OPEN, defaults={"reason": reason}
    )
    return report
