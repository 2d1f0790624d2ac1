"""Invoice numbers stay gap-free and unique when payments are confirmed at the same moment on
separate database connections (PostgreSQL row locks on the year's counter)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from community.celery import app
from forums.events import sales
from forums.events.models import Invoice, Order

from .payment_helpers import awaiting_registration, paid_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has one writer at a time and no row locks to test",
    ),
]


def test_payments_confirmed_at_once_get_consecutive_invoice_numbers():
    app.loader.import_default_modules()  # the emails' tasks, before the threads queue them
    event = paid_event(capacity=12)
    orders = [
        sales.create_order(awaiting_registration(event, email=f"racer{n}@example.org"))
        for n in range(12)
    ]
    payments = [sales.start_payment(order, "default") for order in orders]
    start = threading.Barrier(len(payments))
    errors = []

    def confirm(payment):
        try:
            start.wait()
            payment.change_status("confirmed")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(p,)) for p in payments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    year = timezone.localtime().year
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 13)]
    assert Order.objects.filter(status=Order.Status.PAID).count() == 12
