"""What ``python manage.py privacy`` does, for operators who script their work: the same state
functions, queries and rows as the site and the admin, printed as text."""

from __future__ import annotations

import shutil
import textwrap
from datetime import datetime
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Q

from .. import registry
from ..requests import erasure, export, state
from ..requests.models import DataRequest
from . import board, rows  # noqa: F401  (rows: the row functions register themselves)

Kind = DataRequest.Kind


class NotFound(Exception):
    pass


def text_table(lines: list[tuple]) -> list[str]:
    """A heading and rows as aligned columns, numbers right-aligned, with a rule under the
    heading."""
    lines = [tuple(str(cell) for cell in line) for line in lines]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    numeric = [
        all(line[i].isdigit() or line[i] == "-" for line in lines[1:]) for i in range(len(widths))
    ]
    out = []
    for line in lines:
        cells = [
            cell.rjust(width) if numeric[i] else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    out.insert(1, "  ".join("-" * width for width in widths))
    return out


def find_member(identifier: str):
    """The member with this username, account address or verified address (without case)."""
    identifier = identifier.strip()
    users = get_user_model().objects
    verified = EmailAddress.objects.filter(email__iexact=identifier, verified=True)
    found = list(
        users.filter(
            Q(**{f"{users.model.USERNAME_FIELD}__iexact": identifier})
            | Q(email__iexact=identifier)
            | Q(pk__in=verified.values("user"))
        ).distinct()[:2]
    )
    if len(found) != 1:
        raise NotFound(
            f"No member is {identifier!r}." if not found else f"{identifier!r} names two members."
        )
    return found[0]


# Data requests


def request_lines(requests: list[DataRequest], today) -> list[tuple]:
    lines = [("Request", "Kind", "Status", "Received", "Due", "Days left", "Handler")]
    for r in requests:
        lines.append(
            (
                f"#{r.pk}",
                r.kind,
                r.status,
                f"{r.received:%Y-%m-%d}",
                f"{r.effective_due_date:%Y-%m-%d}",
                str(r.days_left(today)),
                r.handler.get_username() if r.handler else "-",
            )
        )
    return lines


def pending_requests(today, *, overdue: bool) -> list[DataRequest]:
    requests = DataRequest.objects.overdue(today) if overdue else DataRequest.objects.pending()
    return sorted(requests.select_related("handler"), key=lambda r: r.effective_due_date)


def export_member(user, to: Path) -> DataRequest:
    """A member's access request, as if made on the site, with the export built now and copied
    to `to`. RequestError past the member's limits, as on the site."""
    request = state.create(kind=Kind.ACCESS, user=user)
    made = request.exports.order_by("pk").first()
    if made is None:  # staff produce copies by hand (DATA_REQUESTS_SELF_SERVICE_EXPORT=0)
        made = state.produce_export(request)
    export.build_export(made.pk)  # the task may run it too: it is safe to run twice
    made.refresh_from_db()
    with made.file.open("rb") as source, to.open("wb") as target:
        shutil.copyfileobj(source, target)
    return request


def erase_member(user, *, keep_posts: bool, reason: str) -> DataRequest:
    """A member's erasure request, as if made on the site, carried out now. The reason is the
    request's "what they asked"; the audit trail is the site's."""
    request = state.create(kind=Kind.ERASURE, user=user, keep_posts=keep_posts, details=reason)
    erasure.erase(request.pk)  # the task may run it too: it is safe to run twice
    request.refresh_from_db()
    return request


def inventory_lines() -> list[tuple]:
    lines = [("Declaration", "Key", "Rows", "People")]
    for held in registry.inventory():
        people = "-" if held.people is None else held.people
        lines.append((held.declaration.name, held.declaration.key, held.rows, people))
    return lines


def desk_lines(now: datetime) -> tuple[list[str], bool]:
    """The desk as text, and whether any row is red."""
    found = board.compute(now)
    out = [f"Privacy desk as of {now:%Y-%m-%d %H:%M %Z}: {board.LABELS[board.worst(found)]}", ""]
    for row in found:
        out.append(f"[{row.label.upper()}] {row.title} ({row.promises}): {row.summary}")
        if row.needs_attention:
            out += [textwrap.indent(line, "    - ") for line in row.evidence]
            out += [f"    {line}" for line in text_table(row.table)] if row.table else []
    return out, any(row.status == board.RED for row in found)
