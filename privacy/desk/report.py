"""The weekly email (every Monday, beat): privacy officers receive the desk's amber and red rows;
nothing is sent when every row is kept."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from .. import emails
from ..requests.digest import privacy_officers
from . import board, rows  # noqa: F401  (rows: the row functions register themselves)


def send_weekly_report(now: datetime | None = None) -> int:
    """Email each privacy officer the rows that need attention; returns how many were sent."""
    now = now or timezone.now()
    attention = board.attention(board.compute(now))
    if not attention:
        return 0
    context = {
        "rows": attention,
        "now": now,
        "red": sum(1 for r in attention if r.status == board.RED),
        "amber": sum(1 for r in attention if r.status == board.AMBER),
        "desk_url": emails.absolute_url(reverse("admin:privacy_desk")),
    }
    sent = 0
    for officer in privacy_officers():
        emails.build("desk_report", officer.email, {**context, "officer": officer}).send()
        sent += 1
    return sent
