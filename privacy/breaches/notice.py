"""The email to the people affected by a breach (Art. 34), sent through the newsletter's
resumable batch sender (privacy/batch_sending.py).

Who gets it: every member holding data of the breach's kinds now (the registry's inventory),
at a verified address, with an active account. It is a legal obligation, not marketing: it goes
whatever their newsletter consent, reply-notification choice or processing restriction; only an
account erased (its deliveries go with it) or deactivated before its batch is skipped.
"""

from django.db.models import QuerySet
from django.utils import timezone

from community.celery import enqueue_each

from .. import batch_sending, emails, registry
from ..policies.notices import active_members
from . import state
from .models import Breach, BreachDelivery, BreachEvent

BATCH_SIZE = 500


def recipients(breach: Breach) -> QuerySet:
    """The members the email goes to: holding data of the breach's kinds, reachable now."""
    holding = registry.members_holding(breach.kind_keys).values("pk")
    return active_members().filter(pk__in=holding)


def send(breach_id: int, *, batch_size: int | None = None) -> int:
    """Send (or resume sending) a breach's notice; how many emails went out this time."""
    breach = Breach.objects.get(pk=breach_id)
    if breach.notice_started is None or breach.notice_finished is not None:
        return 0
    members = recipients(breach).values_list("pk", "email").order_by()
    batch_sending.create_rows(
        BreachDelivery(breach=breach, user_id=pk, email=email.lower())
        for pk, email in members.iterator(chunk_size=5000)
    )
    rendered = emails.render_parts("breach_notice", {"breach": breach})
    sent = batch_sending.send_all(
        breach.deliveries.all(),
        still_wanted=_still_reachable,
        build=lambda delivery: emails.message(rendered, delivery.email),
        batch_size=batch_size or BATCH_SIZE,
    )
    finished = Breach.objects.filter(pk=breach.pk, notice_finished__isnull=True).update(
        notice_finished=timezone.now()
    )
    if finished:
        counts = batch_sending.counts(breach.deliveries.all())
        note = f"{counts.get(batch_sending.SENT, 0)} member(s) emailed."
        state.event(breach, BreachEvent.Action.NOTICE_SENT, None, note)
    return sent


def _still_reachable(batch: list[BreachDelivery]) -> set[int]:
    """The deliveries whose member is still active at a verified address, at this moment."""
    reachable = set(
        active_members().filter(pk__in=[d.user_id for d in batch]).values_list("pk", flat=True)
    )
    return {d.pk for d in batch if d.user_id in reachable}


def sweep() -> int:
    """Queue again every notice started and not finished (its task may have been lost)."""
    sending = Breach.objects.filter(notice_started__isnull=False, notice_finished__isnull=True)
    return enqueue_each("privacy.send_breach_notice", sending)


def delivery_counts(breach: Breach) -> dict[str, int]:
    return batch_sending.counts(breach.deliveries.all())
