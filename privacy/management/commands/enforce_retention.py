"""Run the retention job now (P17): what the daily Celery task does, for operators.

python manage.py enforce_retention --dry-run          # what would change, changing nothing
python manage.py enforce_retention --only sign-ins    # one rule
python manage.py enforce_retention --now 2026-01-01T00:00
"""

import sys
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from tqdm import tqdm

from privacy import registry, retention


def moment(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Delete or clear the personal data whose retention period has ended (P17)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )
        parser.add_argument(
            "--only",
            metavar="KEY",
            choices=[rule.key for rule in registry.retention_rules()],
            help="Run one rule: %(choices)s.",
        )
        parser.add_argument(
            "--now",
            metavar="ISO-TIME",
            type=moment,
            help="Enforce as of this moment instead of now, e.g. 2026-01-31T03:30 (local time "
            "unless an offset is given). A moment in the future needs --dry-run.",
        )

    def handle(self, *args, dry_run=False, only=None, now=None, **options):
        if now and now > timezone.now() and not dry_run:
            raise CommandError("--now in the future would delete data before its time.")
        bars = {}

        def progress(run, rows):
            """One bar per rule with work to do (none when the output is not a terminal)."""
            if run.rule not in bars and run.matched:
                for bar in bars.values():
                    bar.close()
                bars[run.rule] = tqdm(
                    total=run.matched, desc=run.rule, unit="rows", file=sys.stderr, disable=None
                )
            if run.rule in bars:
                bars[run.rule].update(rows)

        try:
            runs = retention.enforce(
                now, only=only, dry_run=dry_run, progress=None if dry_run else progress
            )
        except retention.AlreadyRunning as error:
            raise CommandError(str(error)) from None
        finally:
            for bar in bars.values():
                bar.close()
        self.summarise(runs, dry_run)
        failed = [run.rule for run in runs if run.error]
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}. Details are in the log.")

    def summarise(self, runs, dry_run):
        """A table: one line per rule, with what it found and what it did."""
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
        for number, row in enumerate([heading, *rows]):
            cells = [
                cell.ljust(width) if i < 3 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells).rstrip())
            if number == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        for run in runs:
            if run.error:
                self.stdout.write(self.style.ERROR(f"{run.rule}: {run.error}"))
        as_of = timezone.localtime(runs[0].as_of) if runs else timezone.localtime()
        total = sum(run.matched for run in runs)
        if dry_run:
            self.stdout.write(
                f"Dry run as of {as_of:%Y-%m-%d %H:%M:%S %Z}: {total} rows "
                "would change. Nothing was changed."
            )
        else:
            changed = sum(run.changed for run in runs)
            self.stdout.write(
                self.style.SUCCESS(f"As of {as_of:%Y-%m-%d %H:%M:%S %Z}: {changed} rows changed.")
            )
