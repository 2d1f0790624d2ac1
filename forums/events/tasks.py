"""The events app's Celery tasks: thin, named, calling registration.py and notices.py (and, for
paid tickets, order_tasks.py)."""

from celery import shared_task

from . import notices, registration
from .order_tasks import (  # noqa: F401
    lapse_unpaid_orders,
    send_order_paid,
    send_order_refunded,
    settle_refunds,
)


@shared_task(name="events.send_notice")
def send_notice(registration_id: int, kind: str) -> int:
    return notices.send(registration_id, kind)


@shared_task(name="events.send_reminders")
def send_reminders() -> int:
    return registration.send_reminders()


@shared_task(name="events.expire_holds")
def expire_holds() -> int:
    return registration.lapse_expired()
