"""Warning members before an ``ERASE_MEMBER`` rule erases their account for inactivity (P17).

The first run that finds an inactive account emails the member and records a ``RetentionWarning``;
the warning stands until they sign in again, and a run at least
``RETENTION_INACTIVE_WARNING_DAYS`` after it erases the account.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from .. import emails
from ..registry import Retention
from .models import RetentionWarning


def _standing_warnings(rule: Retention) -> QuerySet:
    """A member's warning for `rule`, if they have not signed in since it was sent."""
    return RetentionWarning.objects.filter(user=OuterRef("pk"), rule=rule.key).filter(
        Q(user__last_login__isnull=True) | Q(user__last_login__lt=F("sent"))
    )


def due_for_warning(rule: Retention, now: datetime) -> QuerySet:
    return rule.expired_at(now).exclude(Exists(_standing_warnings(rule)))


def due_for_erasure(rule: Retention, now: datetime) -> QuerySet:
    notice = timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)
    warned_long_enough = _standing_warnings(rule).filter(sent__lt=now - notice)
    return rule.expired_at(now).filter(Exists(warned_long_enough))


def send_warnings(rule: Retention, now: datetime, member_ids: list) -> int:
    """Email the members among `member_ids` whom the rule has newly found; return how many.

    Each warning is recorded in the same transaction as its email is sent, so a member is never
    erased without one.
    """
    context = {
        "erase_on": now + timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS),
        "sign_in_url": emails.absolute_url(reverse("account_login")),
    }
    warned = 0
    with get_connection() as connection:  # one connection to the mail server for the batch
        for member in due_for_warning(rule, now).filter(pk__in=member_ids):
            with transaction.atomic():
                RetentionWarning.objects.update_or_create(
                    user=member, rule=rule.key, defaults={"sent": now}
                )
                message = emails.build(
                    "retention_inactive_warning", member.email, {"member": member, **context}
                )
                message.connection = connection
                message.send()
            warned += 1
    return warned
