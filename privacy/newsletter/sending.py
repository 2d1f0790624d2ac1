"""Sending a newsletter (P9, P10) in batches, and resuming a send whose task was lost.

Sending is resumable without duplicates (privacy/batch_sending.py): every recipient gets a
`NewsletterDelivery` row (unique per newsletter and address) before anything is sent, and each
batch is claimed after checking that each recipient's consent is still granted at that moment.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from community.celery import enqueue, enqueue_each

from .. import batch_sending, consent, emails
from ..requests import unrestricted
from .models import Newsletter, NewsletterDelivery
from .subscription import unsubscribe_url

BATCH_SIZE = 500
# Rendered once per newsletter; each recipient's own unsubscribe link replaces it.
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/"


def start_sending(newsletter: Newsletter) -> bool:
    """Mark a draft as sending and queue it; False if it was not a draft (a double click)."""
    with transaction.atomic():
        started = Newsletter.objects.filter(
            pk=newsletter.pk, status=Newsletter.Status.DRAFT
        ).update(status=Newsletter.Status.SENDING, send_started=timezone.now())
        if started:
            enqueue("privacy.send_newsletter", newsletter.pk)
    return bool(started)


def sweep() -> int:
    """Queue again every newsletter still sending (its task may have been lost); sending is
    resumable and two tasks for one newsletter claim different rows, so this is always safe."""
    return enqueue_each(
        "privacy.send_newsletter", Newsletter.objects.filter(status=Newsletter.Status.SENDING)
    )


def send(newsletter_id: int, *, batch_size: int = BATCH_SIZE) -> int:
    """Send (or resume sending) a newsletter; return how many emails went out this time."""
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    if newsletter.status != Newsletter.Status.SENDING:
        return 0
    create_deliveries(newsletter)
    rendered = render(newsletter)
    total = 0
    while (sent := send_batch(newsletter, rendered, batch_size)) is not None:
        total += sent
    Newsletter.objects.filter(pk=newsletter.pk, status=Newsletter.Status.SENDING).update(
        status=Newsletter.Status.SENT, send_finished=timezone.now()
    )
    return total


def create_deliveries(newsletter: Newsletter, chunk_size: int = 5000) -> None:
    """One row per person consenting now; members only at a verified address."""
    granted = consent.granted(consent.NEWSLETTER)
    verified = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
    )
    members = (
        # Not to a member who restricted the processing of their data (P14).
        unrestricted(granted.filter(Exists(verified), user__is_active=True), user_field="user")
        .values_list("user_id", "user__email")
        .order_by()
    )
    visitors = _visitors(granted).values_list("user_id", "email").order_by()
    for recipients in (members, visitors):
        batch_sending.create_rows(
            (
                NewsletterDelivery(newsletter=newsletter, user_id=user_id, email=email.lower())
                for user_id, email in recipients.iterator(chunk_size=chunk_size)
            ),
            chunk_size,
        )


def _visitors(granted):
    """Consents given by address, for addresses that are not a member's: a member's choice is
    the one on their account (the preferences page), so a subscription made before joining
    cannot outlive a withdrawal there."""
    members = get_user_model().objects.filter(email__iexact=OuterRef("email"))
    return granted.filter(~Exists(members), user__isnull=True)


def send_batch(newsletter: Newsletter, rendered: dict, batch_size: int) -> int | None:
    """Claim and send one batch (privacy/batch_sending.py); None when nothing is left."""
    return batch_sending.send_batch(
        newsletter.deliveries.all(),
        _still_consenting,
        lambda delivery: build_message(rendered, delivery.email, user_id=delivery.user_id),
        batch_size,
    )


def _still_consenting(batch: list[NewsletterDelivery]) -> set[int]:
    """The deliveries whose recipient's current consent is a grant, at this moment (and whose
    processing is not restricted)."""
    granted = consent.granted(consent.NEWSLETTER)
    members = granted.filter(user_id__in=[d.user_id for d in batch if d.user_id])
    user_ids = set(unrestricted(members, user_field="user").values_list("user_id", flat=True))
    visitors = _visitors(granted).filter(email__in=[d.email for d in batch if not d.user_id])
    emails_ = set(visitors.values_list("email", flat=True))
    return {d.pk for d in batch if (d.user_id in user_ids if d.user_id else d.email in emails_)}


def render(newsletter: Newsletter) -> dict:
    """The subject and both bodies, rendered once; only the unsubscribe link varies."""
    context = {
        "newsletter": newsletter,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "preferences_url": emails.absolute_url(reverse("privacy:preferences")),
    }
    return emails.render_parts("newsletter", context)


def build_message(
    rendered: dict, to: str, *, user_id: int | None = None
) -> mail.EmailMultiAlternatives:
    url = unsubscribe_url(user_id=user_id) if user_id else unsubscribe_url(email=to)
    personal = {
        "subject": rendered["subject"],
        "text": rendered["text"].replace(UNSUBSCRIBE_PLACEHOLDER, url),
        "html": rendered["html"].replace(UNSUBSCRIBE_PLACEHOLDER, url),
    }
    # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe button.
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return emails.message(personal, to, headers)


def send_test(newsletter: Newsletter, staff_member) -> None:
    """A copy to the staff member writing it, with their own unsubscribe link."""
    rendered = render(newsletter)
    rendered["subject"] = f"[Test] {rendered['subject']}"
    build_message(rendered, staff_member.email, user_id=staff_member.pk).send()


def delivery_counts(newsletter: Newsletter) -> dict[str, int]:
    return batch_sending.counts(newsletter.deliveries.all())
