"""What a row of the desk is, and the row functions that compute them (see ``privacy.desk``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

GREEN, AMBER, RED, NOT_LIVE = "green", "amber", "red", "not-live"
LABELS = {
    GREEN: "Kept",
    AMBER: "Needs attention",
    RED: "Broken",
    NOT_LIVE: "No live check",
}
# Worst first, for sorting and for the desk's overall state.
SEVERITY = {RED: 0, AMBER: 1, GREEN: 2, NOT_LIVE: 3}


@dataclasses.dataclass
class Row:
    """One line of the desk: which promises, how they stand, the evidence and where to act.

    ``evidence`` is a list of lines (or a table: a list of tuples whose first is the heading);
    ``link`` an admin URL name (or a path) and its label.
    """

    key: str
    promises: str
    title: str
    status: str
    summary: str
    evidence: list = dataclasses.field(default_factory=list)
    table: list[tuple] = dataclasses.field(default_factory=list)
    link: tuple[str, str] | None = None

    def __post_init__(self):
        if self.status not in LABELS:
            raise ValueError(f"Unknown desk status {self.status!r}.")

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def needs_attention(self) -> bool:
        return self.status in (AMBER, RED)

    @property
    def url(self) -> str | None:
        if self.link is None:
            return None
        name = self.link[0]
        if name.startswith("/"):
            return name
        try:
            return reverse(name)
        except NoReverseMatch:
            return None

    @property
    def table_heading(self) -> tuple:
        return self.table[0] if self.table else ()

    @property
    def table_rows(self) -> list[tuple]:
        return self.table[1:]


RowFunction = Callable[[datetime], "Row | list[Row]"]
_functions: list[RowFunction] = []


def row(function: RowFunction) -> RowFunction:
    """Add a row function to the desk (a decorator); rows show in the order of registration."""
    if function not in _functions:
        _functions.append(function)
    return function


def compute(now: datetime | None = None) -> list[Row]:
    """Every row of the desk as of `now`."""
    now = now or timezone.now()
    found: list[Row] = []
    for function in _functions:
        result = function(now)
        found.extend(result if isinstance(result, list) else [result])
    return found


def worst(rows: list[Row]) -> str:
    """The desk's overall state: its worst row (no live check counts as kept)."""
    live = [r.status for r in rows if r.status != NOT_LIVE] or [GREEN]
    return min(live, key=SEVERITY.__getitem__)


def attention(rows: list[Row]) -> list[Row]:
    """The amber and red rows, red first."""
    return sorted((r for r in rows if r.needs_attention), key=lambda r: SEVERITY[r.status])


def promises_covered(rows: list[Row]) -> set[int]:
    """The promise numbers the rows speak for ("P12-P15, P17" gives 12 to 15 and 17)."""
    numbers: set[int] = set()
    for r in rows:
        for part in r.promises.replace("–", "-").split(","):
            part = part.strip()
            if not part.startswith("P"):
                continue  # a duty outside the numbered promises, such as "Art. 33-34"
            part = part.removeprefix("P")
            first, _, last = part.partition("-")
            numbers.update(range(int(first), int(last.removeprefix("P") or first) + 1))
    return numbers
