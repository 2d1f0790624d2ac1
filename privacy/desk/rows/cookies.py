"""Cookies (P19-P21): cookies the site set that the declaration does not list, scripts configured
without declared cookies, and the choices visitors made."""

from __future__ import annotations

from datetime import datetime, timedelta

from cookie_consent.models import CookieGroup
from django.conf import settings
from django.db.models import Count, Q

from ...cookies.choices import SCRIPT_GROUPS
from ...cookies.models import CookieConsentReceipt
from .. import board, counted
from ..models import UndeclaredCookie

RECENT_DAYS = 30


def choice_shares(now: datetime) -> dict[str, int]:
    """Cookie choices made in the last RECENT_DAYS days: accept all, reject all, custom."""
    recent = CookieConsentReceipt.objects.filter(
        created__gte=now - timedelta(days=RECENT_DAYS), created__lte=now
    )
    return recent.aggregate(
        accept_all=Count("pk", filter=Q(declined={})),
        reject_all=Count("pk", filter=Q(accepted={}) & ~Q(declined={})),
        custom=Count("pk", filter=~Q(accepted={}) & ~Q(declined={})),
    )


def scripts_without_cookies() -> list[str]:
    """Cookie groups whose outside script is configured but which declare no cookie."""
    configured = [varname for varname, name in SCRIPT_GROUPS.items() if getattr(settings, name)]
    groups = CookieGroup.objects.filter(varname__in=configured).annotate(n=Count("cookie"))
    declared = {group.varname for group in groups if group.n}
    return [varname for varname in configured if varname not in declared]


def _share(part: int, total: int) -> str:
    return f"{part} ({round(100 * part / total)} %)" if total else "0"


@board.row
def cookies(now: datetime) -> board.Row:
    undeclared = list(UndeclaredCookie.objects.order_by("-last_seen")[:20])
    missing = scripts_without_cookies()
    shares, when = counted.recent("cookie-choices", now, lambda: choice_shares(now))
    total = sum(shares.values())
    status = board.RED if undeclared else board.AMBER if missing else board.GREEN
    evidence = [
        f"Set but not declared: {c.name} (first {c.first_seen:%Y-%m-%d}, last "
        f"{c.last_seen:%Y-%m-%d %H:%M}, {c.times} times)"
        for c in undeclared
    ]
    evidence += [f"The {v} script is configured but its group declares no cookie" for v in missing]
    return board.Row(
        key="cookies",
        promises="P19-P21",
        title="Cookies",
        status=status,
        summary=(
            f"{len(undeclared)} undeclared cookies seen; {total} choices in the last "
            f"{RECENT_DAYS} days"
        ),
        evidence=(
            evidence
            or ["Every cookie the site set is in the declaration (checked on every response)."]
        )
        + [f"Choices: {counted.counted_at(when)}"],
        table=[
            ("Choice", f"Last {RECENT_DAYS} days"),
            ("Accept all", _share(shares["accept_all"], total)),
            ("Reject all", _share(shares["reject_all"], total)),
            ("Custom", _share(shares["custom"], total)),
        ],
        link=("admin:cookie_consent_cookie_changelist", "Declared cookies"),
    )
