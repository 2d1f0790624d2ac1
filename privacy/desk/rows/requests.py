"""Data requests (P12-P15): what is open, due soon, overdue, extended without the requester
told, and how long answering takes."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from ...requests.digest import DIGEST_DAYS
from ...requests.models import DataRequest
from .. import board

CLOSED_OVER_DAYS = 90


def request_counts(now: datetime) -> dict:
    """Open, due within DIGEST_DAYS days (overdue included), overdue, and extended without the
    requester told, in one query."""
    today = timezone.localdate(now)
    soon = today + timedelta(days=DIGEST_DAYS)

    def due_by(day) -> Q:
        return Q(extended_due_date__isnull=True, due_date__lte=day) | Q(extended_due_date__lte=day)

    return DataRequest.objects.pending().aggregate(
        open=Count("pk"),
        due_soon=Count("pk", filter=due_by(soon)),
        overdue=Count("pk", filter=due_by(today - timedelta(days=1))),
        untold=Count(
            "pk", filter=Q(extended_due_date__isnull=False, extension_notified__isnull=True)
        ),
    )


def median_days_to_close(now: datetime) -> float | None:
    closed = DataRequest.objects.filter(
        status__in=DataRequest.CLOSED,
        closed__gte=now - timedelta(days=CLOSED_OVER_DAYS),
        closed__lte=now,
    ).values_list("received", "closed")
    days = [(done - received).total_seconds() / 86400 for received, done in closed]
    return round(statistics.median(days), 1) if days else None


def _link(status: str) -> tuple[str, str]:
    changelist = reverse("admin:privacy_datarequest_changelist")
    if status == board.RED:
        return f"{changelist}?due=overdue", "Overdue requests"
    return f"{changelist}?due=week", "Requests due soon"


@board.row
def data_requests(now: datetime) -> board.Row:
    counts = request_counts(now)
    median = median_days_to_close(now)
    if counts["overdue"] or counts["untold"]:
        status = board.RED
    elif counts["due_soon"]:
        status = board.AMBER
    else:
        status = board.GREEN
    median_text = "none closed" if median is None else f"{median} days"
    return board.Row(
        key="requests",
        promises="P12-P15",
        title="Data requests",
        status=status,
        summary=(
            f"{counts['open']} open, {counts['due_soon']} due within {DIGEST_DAYS} days, "
            f"{counts['overdue']} overdue"
        ),
        table=[
            ("Measure", "Now"),
            ("Open (open, in progress or waiting on the requester)", str(counts["open"])),
            (f"Due within {DIGEST_DAYS} days, overdue included", str(counts["due_soon"])),
            ("Overdue (P15: one month, or the extension's date)", str(counts["overdue"])),
            ("Extended without the requester told", str(counts["untold"])),
            (f"Median days to close, last {CLOSED_OVER_DAYS} days", median_text),
        ],
        link=_link(status),
    )
