"""The retention job (P17): every retention rule of the personal-data registry, enforced.

``enforce()`` is what the daily Celery task ``privacy.enforce_retention`` and the
``enforce_retention`` management command run. For each rule (``registry.retention_rules()``, so
a rule declared in any app's ``personal_data.py`` is picked up with no change here) it counts the
rows whose period has ended at ``now`` and applies the rule's action in primary-key batches of
at most ``BATCH_SIZE`` rows, each batch its own transaction: no table stays locked for long,
memory stays flat, and a run killed half-way leaves whole batches done for the next run to
continue. Running twice changes nothing the second time: the rules no longer match.

Members are warned before an ``ERASE_MEMBER`` rule erases them (inactivity.py).

Every rule's run is recorded (``RetentionRun``: figures, never the data). A rule that fails is
recorded with its error and the other rules still run; staff are then emailed. A lease
(``JobLock``) keeps two runs from overlapping. A dry run counts and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from .. import emails, registry
from ..registry import Retention
from . import inactivity
from .models import JobLock, RetentionRun

logger = logging.getLogger(__name__)

BATCH_SIZE = 10_000
# An erasure touches every kind of data of one member: fewer per transaction keeps it short.
ERASE_BATCH_SIZE = 100
LOCK_NAME = "retention"
LOCK_TTL = timedelta(minutes=10)

Progress = Callable[[RetentionRun, int], None]


class AlreadyRunning(Exception):
    """Another run holds the lock (or took it over after ours expired)."""


def rules(only: str | None = None) -> list[Retention]:
    found = [rule for rule in registry.retention_rules() if only in (None, rule.key)]
    if not found:
        raise KeyError(f"No retention rule {only!r}.")
    return found


def enforce(
    now: datetime | None = None,
    *,
    only: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[RetentionRun]:
    """Run every retention rule (or the one named `only`) as of `now`; return their records.

    Raises AlreadyRunning if another run holds the lock. A dry run takes no lock, records
    nothing and reports what a run would match and warn.
    """
    now = now or timezone.now()
    selected = rules(only)
    if dry_run:
        return [enforce_rule(rule, now, dry_run=True, progress=progress) for rule in selected]

    token = JobLock.acquire(LOCK_NAME, LOCK_TTL)
    if token is None:
        raise AlreadyRunning("Another retention run is in progress.")

    def after_batch(run: RetentionRun, rows: int) -> None:
        if not JobLock.renew(LOCK_NAME, token, LOCK_TTL):
            raise AlreadyRunning("The retention lock expired and another run took it.")
        if progress:
            progress(run, rows)

    try:
        runs = [enforce_rule(rule, now, progress=after_batch) for rule in selected]
    finally:
        JobLock.release(LOCK_NAME, token)
    failed = [run for run in runs if run.error]
    if failed:
        email_staff_about_failures(failed)
    return runs


def enforce_rule(
    rule: Retention, now: datetime, *, dry_run: bool = False, progress: Progress | None = None
) -> RetentionRun:
    """Enforce one rule; an error is recorded on the returned run, not raised."""
    run = RetentionRun(rule=rule.key, as_of=now)
    if not dry_run:
        run.save()
    try:
        _apply(rule, run, now, dry_run=dry_run, progress=progress)
    except AlreadyRunning:
        raise
    except Exception as error:
        # The message may quote a row's values: the log gets it, the record only the type.
        logger.exception("Retention rule %s failed", rule.key)
        run.error = f"{type(error).__name__} (details in the server log)"
    run.finished = timezone.now()
    if not dry_run:
        run.save()
    return run


def _apply(
    rule: Retention, run: RetentionRun, now: datetime, *, dry_run: bool, progress: Progress | None
) -> None:
    """Count what the rule matches and, unless this is a dry run, warn and change it in batches,
    keeping the figures on `run`."""
    if rule.action == Retention.ERASE_MEMBER:
        due = inactivity.due_for_erasure(rule, now)
        run.warned = inactivity.due_for_warning(rule, now).count()
        size = ERASE_BATCH_SIZE
    else:
        due = rule.expired_at(now)
        size = BATCH_SIZE
    run.matched = due.count()
    if progress:
        progress(run, 0)
    if dry_run:
        return
    if rule.action == Retention.ERASE_MEMBER:
        _warn(rule, run, now, progress)
    for batch in _batches(due, size):
        with transaction.atomic():
            # Matched again inside the transaction: a row that changed meanwhile
            # (a member who just signed in) is left alone.
            run.changed += rule.apply(due.filter(pk__in=batch))
        if progress:
            progress(run, len(batch))


def _warn(rule: Retention, run: RetentionRun, now: datetime, progress: Progress | None) -> None:
    run.warned = 0
    for batch in _batches(inactivity.due_for_warning(rule, now), ERASE_BATCH_SIZE):
        run.warned += inactivity.send_warnings(rule, now, batch)
        if progress:
            progress(run, 0)  # keeps the lock: many emails take a while


def _batches(queryset: QuerySet, size: int) -> Iterator[list]:
    """Primary keys of `queryset` in ascending batches of at most `size`, by keyset."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page.values_list("pk", flat=True)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def email_staff_about_failures(failed: list[RetentionRun]) -> None:
    """One email listing the rules that failed, to the staff who can see the run records."""
    staff = (
        get_user_model()
        .objects.with_perm(
            "privacy.view_retentionrun", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_staff=True)
        .exclude(email="")
    )
    context = {
        "runs": failed,
        "runs_url": emails.absolute_url(reverse("admin:privacy_retentionrun_changelist")),
    }
    get_connection().send_messages(
        [emails.build("retention_failed", m.email, {"member": m, **context}) for m in staff]
    )
