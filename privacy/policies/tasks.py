"""The policies' task, imported by privacy/tasks.py so that Celery finds it."""

from celery import shared_task

from . import notices


@shared_task(name="privacy.notify_policy_change")
def notify_policy_change(policy_id: int) -> None:
    notices.notify(policy_id)
