"""Breaches (GDPR Art. 33-34): the 72-hour clock to notify the supervisory authority, and the
people who must be told. The register says what needs attention; this row sums it up."""

from __future__ import annotations

from datetime import datetime

from ...breaches import desk as breach_desk
from .. import board


@board.row
def breaches(now: datetime) -> board.Row:
    waiting = breach_desk.rows(now)
    if any(item.status == breach_desk.RED for item in waiting):
        status = board.RED
    else:
        status = board.AMBER if waiting else board.GREEN
    table = [("Breach", "Hours left", "What is due")]
    table += [
        (item.summary, "-" if item.hours_left is None else item.hours_left, item.evidence)
        for item in waiting
    ]
    return board.Row(
        key="breaches",
        promises="Art. 33-34",
        title="Breaches",
        status=status,
        summary=f"{len(waiting)} breach notifications due" if waiting else "Nothing due",
        evidence=["Red under 24 hours left to tell the supervisory authority, or overdue."],
        table=table if waiting else [],
        link=("admin:privacy_breach_changelist", "Breach register"),
    )
