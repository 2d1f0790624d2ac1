"""Starting topics, replying and editing: the rules, the counters, the search index.

Views, admin actions, seed_demo and tests all go through these functions, so counts and the
stored HTML can never drift from the posts.
"""

from contextvars import ContextVar
from datetime import timedelta

from allauth.account.utils import has_verified_email
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.text import slugify

from community.celery import enqueue

from . import search
from .markup import MENTION, render_post, without_member
from .models import Category, Post, Report, Topic, TopicParticipant, User
from .pagecache import forum_changed

# Set while delete_posts runs: the per-post signal receivers leave the recount to it.
bulk_delete_in_progress: ContextVar[bool] = ContextVar("bulk_delete_in_progress", default=False)

DELETE_BATCH = 1000


class PostingError(Exception):
    """A post that the rules do not allow; the message is shown to the member."""


def refusal(user: User, *, new_post: bool = True) -> str | None:
    """Why this member may not post right now (start a topic or reply; an edit is not a
    `new_post`), or None: an address not yet verified, a new member's hourly limit, or too many
    posts and edits in the last minute."""
    if not has_verified_email(user):
        return "Please verify your email address before posting: check your inbox for our email."
    if new_post and (refused := new_member_refusal(user)):
        return refused
    try:
        check_rate_limit(user)
    except PostingError as error:
        return str(error)
    return None


def is_new_member(user: User) -> bool:
    """Joined less than FORUMS_NEW_MEMBER_DAYS ago, or fewer than FORUMS_NEW_MEMBER_POSTS posts
    so far (counted up to that number only)."""
    if user.date_joined > timezone.now() - timedelta(days=settings.FORUMS_NEW_MEMBER_DAYS):
        return True
    enough = settings.FORUMS_NEW_MEMBER_POSTS
    return Post.objects.filter(author=user)[:enough].count() < enough


def new_member_refusal(user: User) -> str | None:
    """New members' posts are limited more tightly: at most FORUMS_NEW_MEMBER_POSTS_PER_HOUR new
    posts in the last hour, counted from the posts themselves (the database is the truth, so a
    cache outage does not lift it). Staff are trusted."""
    if user.is_staff or not is_new_member(user):
        return None
    limit = settings.FORUMS_NEW_MEMBER_POSTS_PER_HOUR
    last_hour = Post.objects.filter(author=user, created__gt=timezone.now() - timedelta(hours=1))
    if last_hour[:limit].count() < limit:
        return None
    return (
        f"Welcome! While you are new here you can post {limit} messages an hour. "
        "Please try again a little later: your text is still here."
    )


def check_rate_limit(user: User) -> None:
    """At most FORUMS_POSTS_PER_MINUTE new posts and edits per member per minute (fixed
    window)."""
    limit = settings.FORUMS_POSTS_PER_MINUTE
    key = f"forums:posts:{user.pk}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=61)
    if cache.incr(key) > limit:
        raise PostingError(
            f"You can post or edit {limit} messages a minute. Please wait a moment and try again."
        )


def topic_slug(title: str) -> str:
    return slugify(title)[:160].strip("-") or "topic"


@transaction.atomic
def start_topic(
    *, category: Category, author: User, title: str, source: str, ip_address: str | None
) -> Topic:
    now = timezone.now()
    topic = Topic.objects.create(
        category=category,
        author=author,
        title=title,
        slug=topic_slug(title),
        created=now,
        last_activity=now,
    )
    _add_post(topic, author=author, source=source, ip_address=ip_address, created=now)
    Category.objects.filter(pk=category.pk).update(topic_count=F("topic_count") + 1)
    return topic


@transaction.atomic
def reply(*, topic: Topic, author: User, source: str, ip_address: str | None) -> Post:
    if topic.locked or topic.hidden:
        raise PostingError("This topic is closed to new replies.")
    post = _add_post(topic, author=author, source=source, ip_address=ip_address)
    Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1)
    enqueue("forums.notify_reply", post.pk)
    return post


def _add_post(
    topic: Topic, *, author: User, source: str, ip_address: str | None, created=None
) -> Post:
    created = created or timezone.now()
    # Lock the topic row so two replies cannot take the same position.
    position = (
        Topic.objects.select_for_update().values_list("last_position", flat=True).get(pk=topic.pk)
        + 1
    )
    post = Post.objects.create(
        topic=topic,
        author=author,
        position=position,
        source=source,
        html=render_post(source),
        created=created,
        ip_address=ip_address,
    )
    Topic.objects.filter(pk=topic.pk).update(
        last_position=position, last_post=post, last_activity=created
    )
    Category.objects.filter(pk=topic.category_id).update(
        post_count=F("post_count") + 1, last_post=post
    )
    TopicParticipant.objects.get_or_create(topic=topic, user=author)
    topic.last_position, topic.last_post, topic.last_activity = position, post, created
    search.index_posts([post.pk])
    _tell_mentioned(post)
    return post


def edit_post(post: Post, *, editor: User, source: str) -> Post:
    post.source = source
    post.html = render_post(source)
    post.edited = timezone.now()
    post.edited_by = editor
    post.save(update_fields=["source", "html", "edited", "edited_by"])
    search.index_posts([post.pk])
    _tell_mentioned(post)
    return post


def _tell_mentioned(post: Post) -> None:
    """Members the post names with @ are emailed by a task (forums.mentions), once each."""
    if MENTION.search(post.source):
        enqueue("forums.notify_mentions", post.pk)


def rename_topic(topic: Topic, title: str) -> None:
    """A new title (staff, in the admin): its slug and the search index follow."""
    topic.title, topic.slug = title, topic_slug(title)
    topic.save(update_fields=["title", "slug"])
    search.index_posts(list(topic.posts.filter(position=1).values_list("pk", flat=True)))


def recount_topic(topic: Topic) -> None:
    """Count one topic's visible posts again, after a post is hidden, shown or deleted."""
    visible = Post.objects.filter(topic=topic, hidden=False)
    last_post = visible.order_by("-position").first()
    topic.reply_count = max(visible.count() - 1, 0)
    topic.last_post = last_post
    topic.last_activity = last_post.created if last_post else topic.created
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=topic.reply_count, last_post=last_post, last_activity=topic.last_activity
    )


def recount_category(category: Category) -> None:
    """Count one category again from its topics' counters (one row per topic, no posts)."""
    topics = Topic.objects.filter(category=category, hidden=False)
    totals = topics.aggregate(posts=Sum(F("reply_count") + 1))
    latest = topics.exclude(last_post=None).order_by("-last_activity").first()
    Category.objects.filter(pk=category.pk).update(
        topic_count=topics.count(),
        post_count=totals["posts"] or 0,
        last_post_id=latest.last_post_id if latest else None,
    )


def delete_posts(posts) -> int:
    """Delete many posts (a member's erasure) in batches, then recount each affected topic and
    category once, rather than after every post as a single deletion does."""
    pks = list(posts.values_list("pk", flat=True))
    topic_ids = set(Post.objects.filter(pk__in=pks).values_list("topic_id", flat=True))
    deleted = 0
    token = bulk_delete_in_progress.set(True)
    try:
        for start in range(0, len(pks), DELETE_BATCH):
            batch = Post.objects.filter(pk__in=pks[start : start + DELETE_BATCH])
            deleted += batch.delete()[1].get(Post._meta.label, 0)
    finally:
        bulk_delete_in_progress.reset(token)
    search.unindex_posts(pks)
    topics = list(Topic.objects.filter(pk__in=topic_ids).select_related("category"))
    for topic in topics:
        recount_topic(topic)
    for category in {topic.category for topic in topics}:
        recount_category(category)
    forum_changed()
    return deleted


def forget_member(username: str, *, posts_removed: bool) -> int:
    """Erasure (P13): every post and report that quotes or mentions the member stops naming
    them (`markup.without_member`); returns how many changed. Only rows holding "@username"
    are read, a batch at a time; the stored HTML and the search index follow the source."""
    mention = f"@{username}"
    pks = list(Post.objects.filter(source__icontains=mention).values_list("pk", flat=True))
    changed = []
    for start in range(0, len(pks), DELETE_BATCH):
        posts = Post.objects.filter(pk__in=pks[start : start + DELETE_BATCH]).only("source")
        batch = []
        for post in posts:
            source = without_member(post.source, username, quotes_removed=posts_removed)
            if source != post.source:
                post.source, post.html = source, render_post(source)
                batch.append(post)
        Post.objects.bulk_update(batch, ["source", "html"])
        search.index_posts([post.pk for post in batch])
        changed += batch
    reports = list(Report.objects.filter(reason__icontains=mention).only("reason"))
    for report in reports:
        report.reason = without_member(report.reason, username, quotes_removed=False)
    Report.objects.bulk_update(reports, ["reason"])
    if changed:
        forum_changed()  # QuerySet updates send no signal: refresh what visitors see
    return len(changed) + len(reports)
