"""Consent (P2, P9): newsletter opt-ins by the wording they were given on, withdrawals, and
members still on terms a newer version replaced."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from ... import consent
from ...consent.models import Consent
from ...policies.models import PolicyVersion
from .. import board, counted

RECENT_DAYS = 30


def opt_ins_by_wording() -> list[tuple[str, int]]:
    current = Consent.objects.current().filter(purpose=consent.NEWSLETTER, granted=True)
    found = current.values("text__key", "text__version").annotate(n=Count("pk"))
    return [
        (f"{row['text__key']} v{row['text__version']}", row["n"])
        for row in found.order_by("text__key", "text__version")
    ]


def members_on_superseded_terms(terms: PolicyVersion | None) -> int:
    """Members who agreed to some terms but not (yet) to the version in force."""
    if terms is None:
        return 0
    rows = Consent.objects.filter(user=OuterRef("pk"), purpose=consent.TERMS)
    accepted = rows.filter(granted=True, policy=terms)
    return get_user_model().objects.filter(Exists(rows), ~Exists(accepted)).count()


@board.row
def consents(now: datetime) -> board.Row:
    terms = PolicyVersion.objects.in_force(PolicyVersion.TERMS, on=timezone.localdate(now))
    (opt_ins, behind), when = counted.recent(
        "consents", now, lambda: (opt_ins_by_wording(), members_on_superseded_terms(terms))
    )
    withdrawals = Consent.objects.filter(
        purpose=consent.NEWSLETTER,
        granted=False,
        created__gte=now - timedelta(days=RECENT_DAYS),
        created__lte=now,
    ).count()
    table = [("Newsletter opt-ins in force, by wording", "Members and visitors")]
    table += [(wording, str(n)) for wording, n in opt_ins] or [("none", "0")]
    return board.Row(
        key="consent",
        promises="P2, P9",
        title="Consent",
        status=board.AMBER if behind else board.GREEN,
        summary=(
            f"{sum(n for _, n in opt_ins)} newsletter opt-ins, {withdrawals} withdrawals in the "
            f"last {RECENT_DAYS} days, {behind} members on superseded terms"
        ),
        evidence=[
            "Every opt-in is a ledger row with the exact wording shown (P9).",
            f"Terms in force: {terms or 'none published'}. Members on an older version are "
            "asked to accept this one at their next visit (P2).",
            counted.counted_at(when),
        ],
        table=table,
        link=("admin:privacy_consent_changelist", "Consent ledger"),
    )
