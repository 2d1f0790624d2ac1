"""The events app's Celery tasks: thin, named, calling registration.py and notices.py."""

from celery import shared_task

from . import notices, registration


@shared_task(name="events.send_notice")
def send_notice(registration_id: int, kind: str) -> int:
    return notices.send(registration_id, kind)


@shared_task(name="events.send_reminders")
def send_reminders() -> int:
    return registration.send_reminders()


@shared_task(name="events.expire_holds")
def expire_holds() -> int:
    return registration.lapse_expired()
