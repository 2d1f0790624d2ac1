"""The email to members about a material change of a policy (P24), sent in resumable batches."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from community.celery import enqueue, enqueue_each

from .. import emails
from ..registry import member_facts
from .models import PolicyVersion

BATCH_SIZE = 500


def active_members():
    """Members who can be emailed: active, at a verified address."""
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    return get_user_model().objects.filter(Exists(verified), is_active=True)


def start_notifying(policy: PolicyVersion) -> None:
    """Queue the emails for a material change (once; the task is safe to run twice)."""
    if policy.material and policy.notified_at is None:
        enqueue("privacy.notify_policy_change", policy.pk)


def sweep() -> int:
    """Queue again the emails of every material change not fully announced (a lost task)."""
    unannounced = PolicyVersion.objects.filter(material=True, notified_at=None)
    return enqueue_each("privacy.notify_policy_change", unannounced)


def notify(policy_id: int, *, batch_size: int = BATCH_SIZE) -> int:
    """Email every active member about a material change, in batches of members in id order.

    Each batch is claimed (the policy's `notified_up_to` moves past it) before it is sent, so a
    resumed run never emails anyone twice.
    """
    sent = 0
    while True:
        with transaction.atomic():
            policy = PolicyVersion.objects.select_for_update().get(pk=policy_id)
            if not policy.material or policy.notified_at:
                return sent
            members = list(
                active_members().filter(pk__gt=policy.notified_up_to).order_by("pk")[:batch_size]
            )
            if members:
                policy.notified_up_to = members[-1].pk
                policy.save(update_fields=["notified_up_to"])
            else:
                policy.notified_at = timezone.now()
                policy.save(update_fields=["notified_at"])
                return sent
        context = {
            "policy": policy,
            "history_url": emails.absolute_url(reverse("privacy:history"))
            + f"#{policy.kind}-v{policy.version}",
            "policy_url": emails.absolute_url(
                reverse("privacy:terms" if policy.kind == PolicyVersion.TERMS else "privacy:policy")
            ),
        }
        messages = [
            emails.build("policy_change", member.email, {**context, **member_facts(member)})
            for member in members
        ]
        with mail.get_connection() as connection:
            connection.send_messages(messages)
        sent += len(messages)
