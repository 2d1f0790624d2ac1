"""What the ``enforce_retention`` command shows an operator: a progress bar per rule while the job
runs, then a table of what each rule found and did."""

import sys

from django.utils import timezone
from tqdm import tqdm

from .. import registry
from .models import RetentionRun


class ProgressBars:
    """A progress callback for ``job.enforce``: one bar per rule with work to do (none when the
    output is not a terminal)."""

    def __init__(self):
        self.bars = {}

    def __call__(self, run: RetentionRun, rows: int) -> None:
        if run.rule not in self.bars and run.matched:
            self.close()
            self.bars[run.rule] = tqdm(
                total=run.matched, desc=run.rule, unit="rows", file=sys.stderr, disable=None
            )
        if run.rule in self.bars:
            self.bars[run.rule].update(rows)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def table(runs: list[RetentionRun], dry_run: bool) -> list[str]:
    """One line per rule, with what it found and what it did, under a heading."""
    rules = {rule.key: rule for rule in registry.retention_rules()}
    heading = ("rule", "action", "kept for", "matched", "warned", "changed", "seconds")
    rows = [
        (
            run.rule,
            rules[run.rule].action,
            rules[run.rule].period_display,
            str(run.matched),
            str(run.warned),
            "-" if dry_run else str(run.changed),
            f"{(run.finished - run.started).total_seconds():.1f}",
        )
        for run in runs
    ]
    widths = [max(len(row[i]) for row in [heading, *rows]) for i in range(len(heading))]
    lines = []
    for row in [heading, *rows]:
        cells = [
            cell.ljust(width) if i < 3 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def outcome(runs: list[RetentionRun], dry_run: bool) -> str:
    """The last line: how many rows changed, or would change, as of when."""
    as_of = timezone.localtime(runs[0].as_of) if runs else timezone.localtime()
    if dry_run:
        total = sum(run.matched for run in runs)
        return (
            f"Dry run as of {as_of:%Y-%m-%d %H:%M:%S %Z}: {total} rows "
            "would change. Nothing was changed."
        )
    changed = sum(run.changed for run in runs)
    return f"As of {as_of:%Y-%m-%d %H:%M:%S %Z}: {changed} rows changed."
