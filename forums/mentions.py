"""Mentions: @username in a post tells that member by a service email (P11), like a reply.

Who is told: active members with a verified address who have not switched mention emails off
(account page), who may read the post now (never for a hidden post, nor in a staff-only
category for a member who cannot see it), who did not write it, and whose processing is not
restricted (P14). Each member is told once per post: a Mention row records it, so an edit
that keeps or adds the name does not tell them again. At most MENTIONS_PER_POST members per
post, edits included, so a post naming 500 members emails ten. Emails are batched like reply
notifications: one per topic until the member visits it again.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from privacy import emails
from privacy.requests import unrestricted

from .markup import MENTION
from .models import Mention, Post, TopicRead, User
from .notifications import (
    MENTIONS_OFF_SALT,
    SWITCH_OFF_LINK_MAX_AGE,
    can_read,
    switch_off_token,
)

# Names looked up in one post, at most: more than any real post names, few enough to look up
# in one query whatever a flood post holds.
NAMES_LOOKED_UP = 200


def mentioned_names(source: str) -> list[str]:
    """The usernames a post names with @, each once, in the order they first appear."""
    return list(dict.fromkeys(MENTION.findall(source)))[:NAMES_LOOKED_UP]


def notify_mentioned(post: Post) -> int:
    """Tell the members the post names who have not been told of it; returns emails sent.
    Safe to run twice, and after every edit."""
    topic = post.topic
    if post.hidden or topic.hidden:
        return 0
    told = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    room = settings.MENTIONS_PER_POST - len(told)
    if room <= 0:
        return 0
    sent = 0
    for member in _candidates(post, told):
        if room <= 0:
            break
        if not can_read(member, post):
            continue
        room -= 1
        sent += _tell(member, post)
    return sent


def _candidates(post: Post, told: set[int]) -> list[User]:
    """The members the post names who may be told, in the order the post names them."""
    names = mentioned_names(post.source)
    if not names:
        return []
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    members = (
        unrestricted(User.objects.all(), user_field="pk")
        .filter(Exists(verified), username__in=names, is_active=True, notify_mentions=True)
        .exclude(pk__in=told | {post.author_id, post.edited_by_id} - {None})
    )
    if post.topic.category.staff_only:  # only staff may read there: nobody else is looked at
        members = members.filter(is_staff=True)
    order = {name: n for n, name in enumerate(names)}
    return sorted(members, key=lambda member: order[member.username])


def _tell(member: User, post: Post) -> int:
    """Record the mention and email the member unless they already have an email about this
    topic since their last visit; 1 if an email went."""
    with transaction.atomic():
        mention, created = Mention.objects.get_or_create(post=post, user=member)
        if not created:
            return 0  # another run told them
        last_visit = (
            TopicRead.objects.filter(user=member, topic=post.topic)
            .values_list("updated", flat=True)
            .first()
        )
        emailed = Mention.objects.filter(user=member, post__topic=post.topic, emailed__isnull=False)
        if last_visit is not None:
            emailed = emailed.filter(emailed__gt=last_visit)
        if emailed.exists():
            return 0
        mention.emailed = timezone.now()
        mention.save(update_fields=["emailed"])
        send_mention_notification(member, post)
    return 1


def send_mention_notification(user: User, post: Post) -> None:
    token = switch_off_token(user, MENTIONS_OFF_SALT)
    switch_off_url = settings.SITE_URL + reverse("mention_notifications_off", args=[token])
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
        "mention_notification",
        user.email,
        context,
        headers={"List-Unsubscribe": f"<{switch_off_url}>"},
    ).send()
