"""The events app's Celery tasks (discovered by Celery), each defined next to its feature."""

from .order_tasks import (  # noqa: F401
    lapse_unpaid_orders,
    send_order_paid,
    send_order_refunded,
    settle_refunds,
)
