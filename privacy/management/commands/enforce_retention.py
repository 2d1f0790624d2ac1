"""Run the retention job now (P17): what the daily Celery task does, for operators.

python manage.py enforce_retention --dry-run          # what would change, changing nothing
python manage.py enforce_retention --only sign-ins    # one rule
python manage.py enforce_retention --now 2026-01-01T00:00

The job is privacy/retention/job.py; what this command shows, privacy/retention/console.py.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from privacy import registry
from privacy.retention import console, job


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
        bars = console.ProgressBars()
        try:
            runs = job.enforce(now, only=only, dry_run=dry_run, progress=None if dry_run else bars)
        except job.AlreadyRunning as error:
            raise CommandError(str(error)) from None
        finally:
            bars.close()
        for line in console.table(runs, dry_run):
            self.stdout.write(line)
        for run in runs:
            if run.error:
                self.stdout.write(self.style.ERROR(f"{run.rule}: {run.error}"))
        summary = console.outcome(runs, dry_run)
        self.stdout.write(summary if dry_run else self.style.SUCCESS(summary))
        failed = [run.rule for run in runs if run.error]
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}. Details are in the log.")
