from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import search
from .adapters import client_ip
from .models import Category, EmailAddressAdded, Post, SignIn, Topic, TopicRead, User
from .pagecache import forget_reads, forum_changed, member_changed, topic_changed
from .posting import bulk_delete_in_progress, recount_category, recount_topic
from .sessions import members_changed


@receiver(user_logged_in, dispatch_uid="forums.record_sign_in")
def record_sign_in(sender, request, user, **kwargs):
    """Keep a record of each sign-in so the member can spot one that was not theirs (P6)."""
    if request is None:
        return
    SignIn.objects.create(
        user=user,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )


@receiver(post_save, sender=EmailAddress, dispatch_uid="forums.date_email_address")
def date_email_address(sender, instance, created, raw=False, **kwargs):
    """An unverified address is kept for a period counted from here (forums.personal_data)."""
    if created and not raw:
        EmailAddressAdded.objects.create(address=instance)


@receiver(post_delete, sender=Post, dispatch_uid="forums.unindex_deleted_post")
def unindex_deleted_post(sender, instance, **kwargs):
    """A deleted post leaves SQLite's search index too (PostgreSQL's goes with the row); a bulk
    deletion takes its posts out at once (posting.delete_posts)."""
    if not bulk_delete_in_progress.get():
        search.unindex_posts([instance.pk])


@receiver(post_delete, sender=Post, dispatch_uid="forums.recount_after_post_delete")
def recount_after_post_delete(sender, instance, **kwargs):
    """Deleting a post (admin, cascade) keeps its topic's and category's counters right."""
    if bulk_delete_in_progress.get():
        return
    topic = Topic.objects.select_related("category").filter(pk=instance.topic_id).first()
    if topic is not None:
        recount_topic(topic)
        recount_category(topic.category)


@receiver(post_delete, sender=TopicRead, dispatch_uid="forums.forget_deleted_reads")
def forget_deleted_reads(sender, instance, **kwargs):
    """What the member's pages keep of their reads (pagecache.own) goes with the rows: an
    erasure, their retention, a deleted account or topic."""
    forget_reads(instance.user_id)


@receiver(post_delete, sender=Topic, dispatch_uid="forums.recount_after_topic_delete")
def recount_after_topic_delete(sender, instance, **kwargs):
    category = Category.objects.filter(pk=instance.category_id).first()
    if category is not None:
        recount_category(category)


def forum_changed_unless_bulk(**kwargs):
    """delete_posts bumps the visitors' page cache once, not once per post."""
    if not bulk_delete_in_progress.get():
        forum_changed(**kwargs)


# What the visitors' cached fragments show of each model. A save that changes none of these (a
# sign-in's last_login, a private profile field, the reply-email switch) keeps the cache, so no
# member can keep every visitor on uncached pages by signing in or saving a profile.
SHOWN_TO_VISITORS = {
    Category: [
        "name",
        "slug",
        "description",
        "colour",
        "position",
        "parent",
        "staff_only",
        "announcements",
    ],
    Topic: ["category", "title", "slug", "author", "pinned", "locked", "hidden"],
    Post: ["topic", "author", "source", "html", "edited", "edited_by", "hidden"],
    User: ["username", "display_name", "job_title", "company", "is_active"],
}


# Shown on the member's profile page alone: a change refreshes that page only.
PROFILE_ONLY = ["location", "bio"]

# Where a post or a topic is: a change that moves one refreshes every visitor's page.
CONTAINER = {Post: "topic", Topic: "category"}


def note_visible_change(sender, instance, update_fields, **kwargs):
    """Before a save: does it change anything visitors see, and does it move the post or topic?
    The answers wait on the instance for forum_changed_if_visible, which runs once the row is
    written."""
    attnames = [sender._meta.get_field(name).attname for name in SHOWN_TO_VISITORS[sender]]
    profile_only = PROFILE_ONLY if sender is User else []
    container = CONTAINER.get(sender)
    moved, profile = container is None, False
    if instance._state.adding:
        changed = sender is not User  # a new account is on no page until it posts
    elif update_fields is not None:  # names or attnames ("topic" or "topic_id")
        changed = not update_fields.isdisjoint(SHOWN_TO_VISITORS[sender] + attnames)
        moved = moved or not update_fields.isdisjoint({container, f"{container}_id"})
        profile = not update_fields.isdisjoint(profile_only)
    else:
        fields = [*attnames, *profile_only]
        before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
        changed = before is None or any(
            before[attname] != getattr(instance, attname) for attname in attnames
        )
        field = f"{container}_id"
        moved = moved or before is None or before[field] != getattr(instance, field)
        profile = before is not None and any(
            before[name] != getattr(instance, name) for name in profile_only
        )
    instance._changes_what_visitors_see = changed
    instance._moves_for_visitors = moved
    instance._changes_profile = profile


def forum_changed_if_visible(sender, instance, **kwargs):
    """A post or a topic changed in place refreshes its own pages; anything else every page."""
    if not getattr(instance, "_changes_what_visitors_see", True):
        if getattr(instance, "_changes_profile", False):
            member_changed(instance.pk)
        return
    if getattr(instance, "_moves_for_visitors", True):
        forum_changed()
    elif sender is Post:
        topic_changed(instance.topic_id, instance.topic.category_id, instance.author_id)
    else:
        topic_changed(instance.pk, instance.category_id)


for model in SHOWN_TO_VISITORS:
    pre_save.connect(note_visible_change, sender=model, dispatch_uid=f"forums.note.{model}")
    post_save.connect(
        forum_changed_if_visible, sender=model, dispatch_uid=f"forums.changed.save.{model}"
    )
    post_delete.connect(
        forum_changed_unless_bulk, sender=model, dispatch_uid=f"forums.changed.del.{model}"
    )


# A signed-in member is kept beside their session (forums.sessions) until any member or second
# factor changes.
for model in (User, Authenticator):
    post_save.connect(members_changed, sender=model, dispatch_uid=f"forums.members.save.{model}")
    post_delete.connect(members_changed, sender=model, dispatch_uid=f"forums.members.del.{model}")
