"""Moderation (P7): pin, lock, hide and move topics, hide posts, handle reports.

Every function writes a ModerationAction (who, what, when, why). The site's moderation forms and
the admin's actions both call these functions.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import dateformat, timezone

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


class ReportError(Exception):
    """A report the limits do not allow; the message is shown to the member."""


def report_post(post: Post, *, reporter: User, reason: str) -> Report:
    """File a report (or return the member's open one on this post). So that one member cannot
    bury the queue: a post can be reported again only FORUMS_REPORT_AGAIN_DAYS after the
    moderators closed the member's last report on it, and at most FORUMS_REPORTS_PER_DAY a day."""
    mine = Report.objects.filter(reporter=reporter)
    if open_report := mine.filter(post=post, status=Report.Status.OPEN).first():
        return open_report
    now = timezone.now()
    closed = mine.filter(post=post, resolved__isnull=False).order_by("-resolved").first()
    again = closed and closed.resolved + timedelta(days=settings.FORUMS_REPORT_AGAIN_DAYS)
    if again and again > now:
        raise ReportError(
            "The moderators have already looked at your report of this post. If it is still a "
            f"problem, you can report it again from {dateformat.format(again, 'j F Y')}."
        )
    if mine.filter(created__gt=now - timedelta(days=1)).count() >= settings.FORUMS_REPORTS_PER_DAY:
        raise ReportError(
            f"You can report {settings.FORUMS_REPORTS_PER_DAY} posts a day, and the moderators "
            "will look at the ones you sent. Please try again tomorrow."
        )
    report, _ = Report.objects.get_or_create(
        post=post, reporter=reporter, status=Report.Status.OPEN, defaults={"reason": reason}
    )
    return report
