"""The newsletter's tasks, imported by privacy/tasks.py so that Celery finds them."""

from celery import shared_task

from . import sending, subscription


@shared_task(name="privacy.send_newsletter")
def send_newsletter(newsletter_id: int) -> None:
    sending.send(newsletter_id)


@shared_task(name="privacy.send_newsletter_confirmation")
def send_newsletter_confirmation(email: str, text_id: int) -> None:
    subscription.send_confirmation(email, text_id)
