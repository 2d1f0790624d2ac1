"""What the privacy officer's desk shows of the breach register: the 72-hour clock of every
breach the authority has not been told about (or decided not to be), and the breaches whose
affected people must be told and have not been yet. Two queries, however many breaches."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from .models import Breach

RED, AMBER = "red", "amber"
# Red once fewer than this many hours are left to notify the supervisory authority.
RED_BELOW_HOURS = 24


@dataclasses.dataclass(frozen=True)
class Row:
    breach_id: int
    summary: str
    status: str  # RED or AMBER
    hours_left: int | None  # to notify the authority (negative: overdue); None: not the clock
    evidence: str
    url: str  # where to act: the breach in the admin


def rows(now: datetime | None = None) -> list[Row]:
    """The desk's rows for breaches, most urgent first."""
    now = now or timezone.now()
    found = [_clock(breach, now) for breach in Breach.objects.awaiting_authority()]
    found.sort(key=lambda row: row.hours_left)
    for breach in Breach.objects.people_waiting():
        found.append(
            _row(breach, AMBER, None, "The people affected must be told: no email sent yet.")
        )
    return found


def _clock(breach: Breach, now: datetime) -> Row:
    hours = math.floor(breach.hours_left(now))
    if hours < 0:
        evidence = f"Notifying the supervisory authority is overdue by {-hours} h."
    else:
        evidence = f"{hours} h left to notify the supervisory authority."
    deadline = timezone.localtime(breach.authority_deadline)
    evidence += f" Deadline {deadline:%d %b %Y %H:%M}."
    return _row(breach, RED if hours < RED_BELOW_HOURS else AMBER, hours, evidence)


def _row(breach: Breach, status: str, hours: int | None, evidence: str) -> Row:
    url = reverse("admin:privacy_breach_change", args=[breach.pk])
    return Row(breach.pk, breach.summary, status, hours, evidence, url)
