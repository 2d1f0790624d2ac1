"""The breach register's task, imported by privacy/tasks.py so that Celery finds it."""

from celery import shared_task

from . import notice


@shared_task(name="privacy.send_breach_notice")
def send_breach_notice(breach_id: int) -> None:
    notice.send(breach_id)
