"""Retention (P6, P17) and the inventory of personal data (P27), from the registry: every rule
counts the rows held past their period right now, so a job that stopped running turns red even
if nobody looks at the run list."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import DateTimeField, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from ... import batch_queries as batch
from ... import registry
from ...retention.models import RetentionRun
from .. import board, counted
from ..introspect import age_field

# The job runs nightly: rows past their period for longer than this mean it did not run.
GRACE = timedelta(hours=26)


def _last_runs() -> tuple[dict[str, RetentionRun], dict[str, datetime]]:
    """Per rule, its latest run and the moment as of which it last ran without error."""
    latest = RetentionRun.objects.filter(rule=OuterRef("rule")).order_by("-started", "-id")
    runs = RetentionRun.objects.filter(pk=Subquery(latest.values("pk")[:1]))
    good = (
        RetentionRun.objects.filter(error="", finished__isnull=False)
        .values("rule")
        .annotate(as_of=Max("as_of"))
    )
    return {run.rule: run for run in runs}, {g["rule"]: g["as_of"] for g in good}


def _rule_status(past: int, last_good: datetime | None, run, now: datetime) -> str:
    stale = last_good is None or last_good < now - GRACE
    if (run is not None and run.error) or (past and stale):
        return board.RED
    return board.AMBER if stale else board.GREEN


def past_and_oldest(rules, now: datetime) -> tuple[dict[str, int], dict[str, datetime]]:
    """Per rule, how many rows are past their period at `now` (the rule's own query, counted)
    and the oldest of them by the column the rule compares with its cutoff, in one query for
    all the rules. Only the rows past their period are read, so the indexes the retention job
    needs serve the desk too."""
    parts = {}
    for rule in rules:
        age = age_field(rule)
        value = F(age) if age else Cast(Value(None), DateTimeField())
        parts[rule.key] = rule.expired_at(now).values(age_value=value)
    found = batch.aggregate_each(parts, "COUNT(*), MIN(part.age_value)")
    return (
        {key: values[0] for key, values in found.items()},
        {key: batch.as_moment(values[1]) for key, values in found.items()},
    )


def _rule_line(rule, run, last_good, now, past: int, oldest) -> tuple[str, tuple]:
    status = _rule_status(past, last_good, run, now)
    held = "none past its period" if not past else "-"
    if oldest is not None:
        over = (now - rule.period) - oldest
        held = f"{timezone.localtime(oldest):%Y-%m-%d}, {over.days} days past its period"
    last = "never" if run is None else f"{timezone.localtime(run.as_of):%Y-%m-%d %H:%M}"
    if run is not None and run.error:
        last += f" (failed: {run.error})"
    changed = "-" if run is None else str(run.changed)
    line = (board.LABELS[status], rule.key, rule.period_display, last, changed, str(past), held)
    return status, line


HEADING = (
    "State",
    "Rule",
    "Kept for",
    "Last run as of",
    "Changed",
    "Past period now",
    "Oldest past its period",
)


def rule_lines(now: datetime) -> tuple[list[str], list[tuple]]:
    """Each rule's state and its line of the table."""
    runs, good = _last_runs()
    rules = registry.retention_rules()
    past, oldest = past_and_oldest(rules, now)
    found = [
        _rule_line(
            rule, runs.get(rule.key), good.get(rule.key), now, past[rule.key], oldest.get(rule.key)
        )
        for rule in rules
    ]
    return [status for status, _ in found], [line for _, line in found]


@board.row
def retention(now: datetime) -> board.Row:
    statuses, lines = rule_lines(now)
    lines = [HEADING, *lines]
    red = statuses.count(board.RED)
    overall = board.RED if red else (board.AMBER if board.AMBER in statuses else board.GREEN)
    held = sum(int(line[5]) for line in lines[1:])
    summary = {
        board.RED: f"{red} rules hold data past its period or failed: the job is not keeping up",
        board.AMBER: "Some rules have not run in the last day (nothing is past its period yet)",
        board.GREEN: "Every rule ran in the last day",
    }[overall]
    return board.Row(
        key="retention",
        promises="P6, P17",
        title="Retention",
        status=overall,
        summary=f"{summary}; {held} rows past their period right now.",
        evidence=[
            "Rows past their period are counted with each rule's own query; the nightly job "
            "removes them. Run it now with `python manage.py enforce_retention`."
        ],
        table=lines,
        link=("admin:privacy_retentionrun_changelist", "Retention runs"),
    )


def inventory_counts() -> list[tuple[str, str, int, int | None]]:
    """The registry's inventory as plain values the cache can keep: per declaration, its name,
    model, rows and people."""
    return [
        (h.declaration.name, h.declaration.model_label, h.rows, h.people)
        for h in registry.inventory()
    ]


@board.row
def inventory(now: datetime) -> board.Row:
    heading = ("Declaration", "Model", "Rows", "People")
    lines = [heading]
    counts, when = counted.recent("inventory", now, inventory_counts)
    for name, model_label, rows, people in counts:
        lines.append((name, model_label, str(rows), "-" if people is None else str(people)))
    undeclared = registry.undeclared_fields(apps.get_models())
    evidence = [f"Not declared: {', '.join(undeclared)}"] if undeclared else []
    return board.Row(
        key="inventory",
        promises="P27",
        title="Inventory and register",
        status=board.RED if undeclared else board.GREEN,
        summary=(
            f"{len(undeclared)} personal fields are in no declaration"
            if undeclared
            else f"Every personal field is declared ({len(lines) - 1} declarations)"
        ),
        evidence=evidence
        + [
            counted.counted_at(when) + " `python manage.py privacy inventory` counts now.",
            "People: distinct members or email addresses per declaration; a breach or an "
            "export would touch these rows.",
        ],
        table=lines,
        link=("privacy:register", "Register of processing"),
    )
