"""Access (P7): every staff member with a second factor, who holds which privacy permission,
and staff sign-ins."""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, OuterRef

from ... import registry
from .. import board
from ..introspect import age_field, person_field

RECENT_DAYS = 30
SIGN_INS = "sign-ins"  # the registry's declaration of sign-in records, if an app makes one


def staff():
    second_factor = Authenticator.objects.filter(user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .annotate(has_factor=Exists(second_factor))
        .prefetch_related("groups")
        .order_by("username")
    )


def sign_ins(members: list, now: datetime) -> dict[int, int] | None:
    """Sign-ins per staff member in the last RECENT_DAYS days, from the registry's sign-in
    records; None when no app records sign-ins."""
    try:
        declaration = registry.get(SIGN_INS)
    except KeyError:
        return None
    person = person_field(declaration.model)
    ages = [age_field(rule) for rule in declaration.retention]
    age = next((a for a in ages if a), None)
    if person is None or age is None:
        return None
    rows = declaration.model._default_manager.filter(
        **{
            f"{person}__in": [m.pk for m in members],
            f"{age}__gte": now - timedelta(days=RECENT_DAYS),
        }
    )
    return dict(rows.values_list(person).annotate(n=Count("pk")))


def permission_holders() -> list[tuple[str, str]]:
    """Each privacy permission and the groups and members given it (administrators hold all)."""
    permissions = (
        Permission.objects.filter(content_type__app_label="privacy")
        .prefetch_related("group_set", "user_set")
        .order_by("codename")
    )
    lines = []
    for permission in permissions:
        holders = [f"group {g.name}" for g in permission.group_set.all()]
        holders += [f"member {u.get_username()}" for u in permission.user_set.all()]
        if holders:
            lines.append((permission.name, ", ".join(holders)))
    return lines


def _user_changelist() -> str:
    opts = get_user_model()._meta
    return f"admin:{opts.app_label}_{opts.model_name}_changelist"


@board.row
def access(now: datetime) -> board.Row:
    members = list(staff())
    without = [m for m in members if not m.has_factor]
    counted = sign_ins(members, now)
    table = [
        ("Staff member", "Role", "Second factor", "Last sign-in", f"Sign-ins, {RECENT_DAYS} days")
    ]
    for m in members:
        role = "administrator" if m.is_superuser else ", ".join(g.name for g in m.groups.all())
        table.append(
            (
                m.get_username(),
                role or "staff, no group",
                "yes" if m.has_factor else "NO",
                f"{m.last_login:%Y-%m-%d %H:%M}" if m.last_login else "never",
                "not recorded" if counted is None else str(counted.get(m.pk, 0)),
            )
        )
    holders = permission_holders()
    evidence = [f"{name}: {who}" for name, who in holders]
    if counted is None:
        evidence.append("Sign-in records are not kept; the last sign-in of each is shown.")
    return board.Row(
        key="access",
        promises="P6, P7",
        title="Staff access",
        status=board.RED if without else board.GREEN,
        summary=f"{len(members)} staff, {len(without)} without a second factor (must be 0)",
        evidence=evidence,
        table=table,
        link=(_user_changelist(), "Staff accounts"),
    )
