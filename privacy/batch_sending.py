"""One email to many people, in resumable batches, without duplicates: the machinery the
newsletter (privacy/newsletter/sending.py) and the breach notice (privacy/breaches/notice.py)
share.

Every recipient gets a delivery row before anything is sent (a model with ``status``, ``email``,
``user`` and ``updated``, unique per email and recipient). A batch of pending rows is claimed in
a transaction, after asking the feature which of them may still be sent at that moment (consent
still granted, account still active), and only then handed to the mail server. A worker killed
mid-batch leaves its rows "claimed", never "pending", so a resumed send skips them: at most one
copy per person. Two workers claim different rows (``skip_locked``).
"""

from collections.abc import Callable, Iterable

from django.core import mail
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

# The statuses every delivery model's `status` field uses (its labels may differ).
PENDING, CLAIMED, SENT, SKIPPED, FAILED = "pending", "claimed", "sent", "skipped", "failed"


def create_rows(rows: Iterable[models.Model], chunk_size: int = 5000) -> None:
    """Insert delivery rows in chunks, ignoring those that exist already (a resumed start)."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == chunk_size:
            type(row).objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        type(chunk[0]).objects.bulk_create(chunk, ignore_conflicts=True)


def send_all(deliveries: QuerySet, *, still_wanted, build, batch_size: int) -> int:
    """Send every pending delivery of `deliveries`, batch after batch; how many emails went."""
    total = 0
    while (sent := send_batch(deliveries, still_wanted, build, batch_size)) is not None:
        total += sent
    return total


def send_batch(
    deliveries: QuerySet,
    still_wanted: Callable[[list], set[int]],
    build: Callable[[models.Model], mail.EmailMessage],
    batch_size: int,
) -> int | None:
    """Claim and send one batch of `deliveries`; None when nothing is pending.

    `still_wanted(batch)` returns the primary keys of the rows that may be sent now (the others
    are marked skipped); `build(row)` makes the row's email.
    """
    model = deliveries.model
    with transaction.atomic():
        batch = list(
            deliveries.filter(status=PENDING)
            .select_for_update(skip_locked=True)
            .order_by("id")[:batch_size]
        )
        if not batch:
            return None
        wanted = still_wanted(batch)
        claimed = [d for d in batch if d.pk in wanted]
        now = timezone.now()
        model.objects.filter(pk__in=[d.pk for d in claimed]).update(status=CLAIMED, updated=now)
        skipped = [d.pk for d in batch if d.pk not in wanted]
        model.objects.filter(pk__in=skipped).update(status=SKIPPED, updated=now)
    messages = [build(d) for d in claimed]
    try:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    except Exception:
        model.objects.filter(pk__in=[d.pk for d in claimed]).update(
            status=FAILED, updated=timezone.now()
        )
        raise
    model.objects.filter(pk__in=[d.pk for d in claimed]).update(status=SENT, updated=timezone.now())
    return len(claimed)


def counts(deliveries: QuerySet) -> dict[str, int]:
    """How many deliveries are in each status."""
    return dict(deliveries.values_list("status").order_by().annotate(n=Count("id")))
