"""Policies (P24-P26): the versions in force, material changes not yet announced, the short
version, and the DPO's address."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from ...policies.models import PolicyVersion
from .. import board

# Announcing a material change to every member takes minutes; a day means it stopped.
NOTICE_GRACE = timedelta(days=1)
EXAMPLE_DPO = "dpo@example.org"


def versions_in_force(now: datetime) -> dict[str, PolicyVersion]:
    today = timezone.localdate(now)
    found: dict[str, PolicyVersion] = {}
    published = PolicyVersion.objects.filter(effective_date__lte=today).order_by(
        "kind", "-effective_date", "-version"
    )
    for version in published.defer("body", "body_html"):
        found.setdefault(version.kind, version)
    return found


def policy_table(in_force: dict[str, PolicyVersion]) -> list[tuple]:
    table = [("Policy", "In force", "Effective", "Material change announced")]
    for kind, label in PolicyVersion.KINDS:
        version = in_force.get(kind)
        if version is None:
            table.append((label, "none", "-", "-"))
            continue
        announced = "-" if not version.material else "not yet"
        if version.material and version.notified_at:
            announced = f"{version.notified_at:%Y-%m-%d}"
        table.append((label, f"v{version.version}", f"{version.effective_date}", announced))
    return table


@board.row
def policies(now: datetime) -> board.Row:
    in_force = versions_in_force(now)
    unannounced = list(PolicyVersion.objects.filter(material=True, notified_at=None))
    late = [p for p in unannounced if p.created < now - NOTICE_GRACE]
    missing = [label for kind, label in PolicyVersion.KINDS if kind not in in_force]
    privacy = in_force.get(PolicyVersion.PRIVACY)
    no_summary = privacy is not None and not privacy.summary.strip()
    if late or missing:
        status = board.RED
    else:
        status = board.AMBER if unannounced or no_summary else board.GREEN
    table = policy_table(in_force)
    evidence = [f"{p} is a material change not yet emailed to every member" for p in unannounced]
    evidence += [f"No {label.lower()} is in force" for label in missing]
    if no_summary:
        evidence.append("The privacy policy in force has no plain-language summary (P25)")
    return board.Row(
        key="policies",
        promises="P24, P25",
        title="Policies",
        status=status,
        summary=f"{len(in_force)} of 3 policies in force; {len(unannounced)} material changes "
        "not yet announced",
        evidence=evidence,
        table=table,
        link=("admin:privacy_policyversion_changelist", "Policy versions"),
    )


@board.row
def contact(now: datetime) -> board.Row:
    example = settings.DPO_EMAIL == EXAMPLE_DPO
    status = board.RED if not settings.DPO_EMAIL else board.AMBER if example else board.GREEN
    return board.Row(
        key="contact",
        promises="P26",
        title="Data protection officer's contact",
        status=status,
        summary=f"DPO_EMAIL is {settings.DPO_EMAIL or 'not set'}"
        + (" (the example address: set DPO_EMAIL)" if example else ""),
        evidence=["Shown on every page's footer and in every request email from this setting."],
    )
