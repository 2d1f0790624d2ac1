"""The desk's task, queued by beat every Monday (migration 0019) and imported by
privacy/tasks.py, where Celery looks."""

from celery import shared_task

from . import report


@shared_task(name="privacy.send_desk_report")
def send_desk_report() -> int:
    return report.send_weekly_report()
