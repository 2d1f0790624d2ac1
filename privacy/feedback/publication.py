"""Feedback and support requests (P16): receiving them, and publishing an edited, anonymised
text only after telling the sender by email."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import emails
from .models import Feedback


class CannotPublish(Exception):
    pass


def receive(*, kind: str, message: str, user=None, name: str = "", email: str = "") -> Feedback:
    return Feedback.objects.create(kind=kind, message=message, user=user, name=name, email=email)


def publish(item: Feedback) -> bool:
    """Email the sender the text about to be published, then publish it.

    Returns False when it is already published. Refuses (CannotPublish) without the staff flag,
    without an edited text, or without an address to tell the sender: nothing is published
    unless the notice has gone first. Sending fails loudly and then nothing is published.
    """
    if item.published_at:
        return False
    if not item.for_publication:
        raise CannotPublish("Tick “for publication” first.")
    if not item.published_text.strip():
        raise CannotPublish("Write the edited, anonymised text to publish first.")
    if not item.reply_to:
        raise CannotPublish("The sender left no email address, so they cannot be told first.")
    context = {
        "item": item,
        "published_url": emails.absolute_url(reverse("feedback:published")),
    }
    emails.build("feedback_published", item.reply_to, context).send()
    now = timezone.now()
    with transaction.atomic():
        item.sender_notified_at = now
        item.published_at = now
        item.save(update_fields=["sender_notified_at", "published_at"])
    return True


def unpublish(item: Feedback) -> None:
    """Take an item off the published page (for example when the sender objects)."""
    item.for_publication = False
    item.published_at = None
    item.save(update_fields=["for_publication", "published_at"])
