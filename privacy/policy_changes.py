"""Policy changes (P24): the version history with diffs, the email about a material change,
and asking members to accept new terms (recorded in the consent ledger)."""

import difflib
from itertools import groupby

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from community.celery import enqueue, enqueue_each

from . import consent, emails
from .models import PolicyVersion
from .registry import member_facts

BATCH_SIZE = 500


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) pairs: kind is "added", "removed", "same" or "gap" between hunks."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("gap", "…"))
        else:
            kind = {"+": "added", "-": "removed"}.get(line[:1], "same")
            lines.append((kind, line[1:]))
    return lines


def history() -> list[dict]:
    """Every version of every policy, newest first, each with its changes from the previous."""
    documents = []
    versions = PolicyVersion.objects.order_by("kind", "version")
    for kind, group in groupby(versions, key=lambda v: v.kind):
        entries, previous = [], None
        for version in group:
            changes = diff(previous.body, version.body) if previous else None
            entries.append({"version": version, "previous": previous, "changes": changes})
            previous = version
        documents.append(
            {"kind": kind, "label": previous.get_kind_display(), "entries": entries[::-1]}
        )
    return documents


# The email to members about a material change.


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


# Accepting new terms.


def terms_in_force() -> PolicyVersion | None:
    key = f"privacy:terms-in-force:{timezone.localdate()}"
    return cache.get_or_set(key, lambda: PolicyVersion.objects.in_force(PolicyVersion.TERMS), 300)


def terms_to_accept(user) -> PolicyVersion | None:
    """The terms in force, if the member accepted an older version and not this one yet.

    Accounts created by staff (createsuperuser, seed data) never accepted any version through
    the site; they are not asked.
    """
    terms = terms_in_force()
    if terms is None:
        return None
    latest = consent.latest(consent.TERMS, user=user)
    if latest is None or (latest.granted and latest.policy_id == terms.pk):
        return None
    return terms
