"""Reply notifications (P11): service email, one per topic until the member visits it again,
switched off on the account page or with the signed link in every notification."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from privacy import emails
from privacy.requests import unrestricted

from . import pagecache
from .models import Post, TopicParticipant, User

SWITCH_OFF_SALT = "forums.reply-notifications-off"
MENTIONS_OFF_SALT = "forums.mention-notifications-off"
# The link acts on the account without a sign-in, so one copied out of an old email (or shared
# with a page's address) must not work for ever; after this the account page does the same.
SWITCH_OFF_LINK_MAX_AGE = timedelta(days=30)


def set_reply_notifications(user: User, enabled: bool) -> None:
    """Switch reply notifications on or off for a member (account page, email link)."""
    user.notify_replies = enabled
    user.save(update_fields=["notify_replies"])


def set_notifications(user: User, *, replies: bool, mentions: bool) -> None:
    """The account page's switches: reply emails and mention emails (forums.mentions)."""
    user.notify_replies, user.notify_mentions = replies, mentions
    user.save(update_fields=["notify_replies", "notify_mentions"])


def set_mention_notifications(user: User, enabled: bool) -> None:
    user.notify_mentions = enabled
    user.save(update_fields=["notify_mentions"])


# The one-click switch-off links: (salt, switch) per kind of email; a link for one kind never
# switches off the other.
SWITCHES = {
    "replies": (SWITCH_OFF_SALT, set_reply_notifications),
    "mentions": (MENTIONS_OFF_SALT, set_mention_notifications),
}


def switch_off_token(user: User, salt: str = SWITCH_OFF_SALT) -> str:
    return signing.dumps(user.pk, salt=salt)


def user_for_switch_off_token(token: str, salt: str = SWITCH_OFF_SALT) -> User | None:
    """The member a switch-off link was made for; None for a forged or mangled token.
    Raises signing.SignatureExpired for a link older than SWITCH_OFF_LINK_MAX_AGE."""
    try:
        pk = signing.loads(token, salt=salt, max_age=SWITCH_OFF_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def mark_visited(user: User, topic_id: int) -> None:
    """The member has seen the topic: the next reply may email them again."""
    if TopicParticipant.objects.filter(topic_id=topic_id, user=user, emailed=True).update(
        emailed=False
    ):
        pagecache.reads_changed(user.pk)


def notify_participants(post: Post) -> int:
    """Email each participant of the post's topic who wants it and has not been emailed since
    their last visit. Safe to run twice: a participant is marked before their email goes out,
    in the same transaction. Returns how many emails were sent."""
    topic = post.topic
    if post.hidden or topic.hidden:
        return 0
    waiting = (
        # A member who restricted processing of their data gets no notifications (P14).
        unrestricted(
            TopicParticipant.objects.filter(
                topic=topic, emailed=False, user__notify_replies=True, user__is_active=True
            ),
            user_field="user",
        )
        .exclude(user_id=post.author_id)
        .select_related("user")
    )
    sent = 0
    for participant in waiting:
        # The email quotes the post: only for those who may read it now. Staff may have moved
        # the topic into a staff-only category since the participant posted there.
        if not can_read(participant.user, post):
            continue
        with transaction.atomic():
            claimed = TopicParticipant.objects.filter(pk=participant.pk, emailed=False).update(
                emailed=True
            )
            if claimed:
                pagecache.reads_changed(participant.user_id)  # their next visit clears it
                send_reply_notification(participant.user, post)
                sent += 1
    return sent


def can_read(user: User, post: Post) -> bool:
    """Whether the member may read the post now, by the rule the forum's pages use."""
    return Post.objects.visible_to(user).filter(pk=post.pk).exists()


def send_reply_notification(user: User, post: Post) -> None:
    switch_off_url = settings.SITE_URL + reverse("notifications_off", args=[switch_off_token(user)])
    context = {
        "user": user,
        "post": post,
        "topic": post.topic,
        "author_name": post.author.public_name if post.author else "A former member",
        "post_url": settings.SITE_URL + post.get_absolute_url(),
        "switch_off_url": switch_off_url,
        "switch_off_days": SWITCH_OFF_LINK_MAX_AGE.days,
        "account_url": settings.SITE_URL + reverse("account_overview"),
    }
    emails.build(
        "reply_notification",
        user.email,
        context,
        headers={"List-Unsubscribe": f"<{switch_off_url}>"},
    ).send()
