"""Celery tasks of paid tickets: thin, named, safe to run twice (imported by tasks.py)."""

from celery import shared_task

from . import order_emails, sales


@shared_task(name="events.lapse_unpaid_orders")
def lapse_unpaid_orders() -> int:
    """Beat, every five minutes: unpaid orders lapse and free their seats; lost refunds resent."""
    return sales.lapse_unpaid_orders()


@shared_task(name="events.settle_refunds")
def settle_refunds(order_id: int) -> int:
    return sales.settle_refunds(order_id)


@shared_task(name="events.send_order_paid")
def send_order_paid(order_id: int) -> bool:
    return order_emails.send_paid(order_id)


@shared_task(name="events.send_order_refunded")
def send_order_refunded(order_id: int, credit_note_id: int) -> bool:
    return order_emails.send_refunded(order_id, credit_note_id)
