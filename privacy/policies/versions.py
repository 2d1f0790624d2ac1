"""The version history of the policies (P24): every version with its changes from the last."""

import difflib
from itertools import groupby

from .models import PolicyVersion


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) pairs: kind is "added", "removed", "same" or "gap" between hunks."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("gap", "…"))
        else:
            kind = {"+": "added", "-": "removed"}.get(line[:1], "same")
            lines.append((kind, line[1:]))
    return lines


def history() -> list[dict]:
    """Every version of every policy, newest first, each with its changes from the previous."""
    documents = []
    versions = PolicyVersion.objects.order_by("kind", "version")
    for kind, group in groupby(versions, key=lambda v: v.kind):
        entries, previous = [], None
        for version in group:
            changes = diff(previous.body, version.body) if previous else None
            entries.append({"version": version, "previous": previous, "changes": changes})
            previous = version
        documents.append(
            {"kind": kind, "label": previous.get_kind_display(), "entries": entries[::-1]}
        )
    return documents
