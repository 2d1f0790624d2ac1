"""Disclosures (P8, P23): per sponsor, the people whose details went out in the last 30 days and
the consents each disclosure rests on."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q

from ...sponsors.models import DisclosedLead
from .. import board

RECENT_DAYS = 30


def per_sponsor(now: datetime) -> list[tuple]:
    """Sponsor, exports, people, on a recorded grant, without one: the last RECENT_DAYS days."""
    recent = DisclosedLead.objects.filter(
        disclosure__created__gte=now - timedelta(days=RECENT_DAYS), disclosure__created__lte=now
    )
    found = (
        recent.values("disclosure__sponsor__name")
        .annotate(
            people=Count("pk"),
            on_consent=Count("pk", filter=Q(consent__granted=True)),
            exports=Count("disclosure", distinct=True),
        )
        .order_by("disclosure__sponsor__name")
    )
    return [
        (
            row["disclosure__sponsor__name"],
            str(row["exports"]),
            str(row["people"]),
            str(row["on_consent"]),
            str(row["people"] - row["on_consent"]),
        )
        for row in found
    ]


@board.row
def disclosures(now: datetime) -> board.Row:
    table = [("Sponsor", "Exports", "People", "On a recorded grant", "Without one")]
    table += per_sponsor(now)
    without = sum(int(line[4]) for line in table[1:])
    people = sum(int(line[2]) for line in table[1:])
    return board.Row(
        key="disclosures",
        promises="P8, P23",
        title="Disclosures to sponsors",
        status=board.RED if without else board.GREEN,
        summary=(
            f"{people} people's details went to {len(table) - 1} sponsors in the last "
            f"{RECENT_DAYS} days; {without} without a recorded grant"
        ),
        evidence=[
            "Each disclosed person is logged with the ledger row of the grant given on the "
            "sponsor's form (what, to whom, when, on which consent)."
        ],
        table=table if len(table) > 1 else [],
        link=("admin:privacy_sponsor_changelist", "Sponsors and lead exports"),
    )
