"""The breach register (Art. 33-34): every change of a breach record, for the admin and the
command line alike. Each writes a BreachEvent (who, what, when), so the record's history is
kept with it (P18)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from community.celery import enqueue

from .. import registry
from .models import Breach, BreachEvent

Action, Authority, People = BreachEvent.Action, Breach.Authority, Breach.People


class BreachError(Exception):
    """A change the breach's state does not allow; the message says why, for staff."""


@transaction.atomic
def save(breach: Breach, *, by, changed: list[str] | None = None) -> Breach:
    """Record a new breach (its people count suggested by the registry when left empty), or
    save staff's changes to one, on the audit trail (the fields' names, not their values)."""
    if breach.kind_keys != breach.kinds:
        raise BreachError("The kinds of data are a list of the registry's keys.")
    unknown = set(breach.kinds) - {d.key for d in registry.declarations()}
    if unknown and (breach.pk is None or "kinds" in (changed or [])):
        raise BreachError(f"Unknown kinds of data: {sorted(unknown)}.")
    if breach.discovered_at > timezone.now():
        raise BreachError("A breach cannot be discovered in the future.")
    if breach.people_affected is None and breach.kinds:
        breach.people_affected = suggested_people(breach.kind_keys)
    if breach.pk is None:
        breach.recorded_by = by
        breach.save()
        event(breach, Action.RECORDED, by)
    elif changed:
        breach.save()
        labels = [str(Breach._meta.get_field(name).verbose_name) for name in changed]
        event(breach, Action.CHANGED, by, "Changed: " + ", ".join(labels) + ".")
    return breach


def suggested_people(kinds: list[str]) -> int:
    """How many members hold data of these kinds right now (the registry's inventory)."""
    return registry.members_holding(kinds).count()


@transaction.atomic
def notify_authority(breach: Breach, *, at: datetime, how: str, delay_reason="", by) -> None:
    """The supervisory authority was notified (Art. 33): when, how (channel, reference), and
    past 72 hours after discovery, why it was late (Art. 33(1))."""
    breach = _pending_authority(breach)
    if not how.strip():
        raise BreachError("Say how the authority was notified (channel, reference).")
    if at > timezone.now() or at < breach.discovered_at:
        raise BreachError("The notification must be between the discovery and now.")
    if at > breach.authority_deadline and not delay_reason.strip():
        raise BreachError("Notified after 72 hours: give the reasons for the delay (Art. 33(1)).")
    breach.authority_status, breach.authority_notified_at = Authority.NOTIFIED, at
    breach.authority_notification, breach.delay_reason = how.strip(), delay_reason.strip()
    breach.save(
        update_fields=[
            "authority_status",
            "authority_notified_at",
            "authority_notification",
            "delay_reason",
        ]
    )
    event(breach, Action.AUTHORITY_NOTIFIED, by)


@transaction.atomic
def authority_not_required(breach: Breach, *, reason: str, by) -> None:
    """The breach is unlikely to result in a risk to people: no notification, and why."""
    breach = _pending_authority(breach)
    if not reason.strip():
        raise BreachError("Say why the breach is unlikely to result in a risk to people.")
    breach.authority_status, breach.authority_notification = Authority.NOT_REQUIRED, reason.strip()
    breach.save(update_fields=["authority_status", "authority_notification"])
    event(breach, Action.AUTHORITY_NOT_REQUIRED, by)


@transaction.atomic
def decide_people(breach: Breach, *, must_tell: bool, reason: str = "", by) -> None:
    """Whether the people affected must be told (Art. 34); not telling them needs a reason
    (Art. 34(3): no high risk, the data was unintelligible, the risk is gone...)."""
    breach = _locked(breach)
    if breach.notice_started:
        raise BreachError("The people affected are already being told.")
    if not must_tell and not reason.strip():
        raise BreachError("Say why the people affected need not be told (Art. 34(3)).")
    breach.people_status = People.MUST_TELL if must_tell else People.NEED_NOT_TELL
    breach.people_reason = reason.strip()
    breach.save(update_fields=["people_status", "people_reason"])
    event(breach, Action.PEOPLE_DECIDED, by, breach.get_people_status_display())


@transaction.atomic
def start_notice(breach: Breach, *, by) -> None:
    """Queue the email to the members holding data of the breach's kinds (once; the task
    resumes, `notice.sweep` re-sends a lost one)."""
    breach = _locked(breach)
    if breach.people_status != People.MUST_TELL:
        raise BreachError("First decide that the people affected must be told.")
    if breach.notice_started:
        raise BreachError("The email to the people affected was already started.")
    if not (breach.notice_subject.strip() and breach.notice_body.strip()):
        raise BreachError("Write the email's subject and text first.")
    if not breach.kind_keys:
        raise BreachError("Choose the kinds of data affected: they say who is emailed.")
    breach.notice_started = timezone.now()
    breach.save(update_fields=["notice_started"])
    event(breach, Action.NOTICE_STARTED, by)
    enqueue("privacy.send_breach_notice", breach.pk)


def _pending_authority(breach: Breach) -> Breach:
    breach = _locked(breach)
    if breach.authority_status != Authority.PENDING:
        raise BreachError("Whether to notify the authority is already recorded.")
    return breach


def _locked(breach: Breach) -> Breach:
    """The row locked for the rest of the transaction, so two staff cannot race."""
    return Breach.objects.select_for_update().get(pk=breach.pk)


def event(breach: Breach, action: str, by=None, note: str = "") -> BreachEvent:
    return BreachEvent.objects.create(breach=breach, action=action, actor=by, note=note)
