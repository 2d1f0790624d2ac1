from allauth.account.models import EmailAddress
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .adapters import client_ip
from .models import Category, EmailAddressAdded, Post, SignIn, Topic, User
from .pagecache import forum_changed
from .posting import bulk_delete_in_progress, recount_category, recount_topic


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


@receiver(post_delete, sender=Post, dispatch_uid="forums.recount_after_post_delete")
def recount_after_post_delete(sender, instance, **kwargs):
    """Deleting a post (admin, cascade) keeps its topic's and category's counters right."""
    if bulk_delete_in_progress.get():
        return
    topic = Topic.objects.select_related("category").filter(pk=instance.topic_id).first()
    if topic is not None:
        recount_topic(topic)
        recount_category(topic.category)


@receiver(post_delete, sender=Topic, dispatch_uid="forums.recount_after_topic_delete")
def recount_after_topic_delete(sender, instance, **kwargs):
    category = Category.objects.filter(pk=instance.category_id).first()
    if category is not None:
        recount_category(category)


def forum_changed_unless_bulk(**kwargs):
    """delete_posts bumps the visitors' page cache once, not once per post."""
    if not bulk_delete_in_progress.get():
        forum_changed(**kwargs)


for model in (Category, Topic, Post, User):
    post_save.connect(forum_changed, sender=model, dispatch_uid=f"forums.changed.save.{model}")
    post_delete.connect(
        forum_changed_unless_bulk, sender=model, dispatch_uid=f"forums.changed.del.{model}"
    )
