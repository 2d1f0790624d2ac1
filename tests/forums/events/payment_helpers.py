"""Helpers for the paid-ticket tests: an event with a paid ticket type, and a member's way from
the event's form through the test provider (DummyProvider) to a paid order."""

import re
from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.urls import reverse
from django.utils import timezone

from forums.events import sales
from forums.events.models import Event, Order, Registration, TicketType

_numbers = count(1)


def paid_event(price="25.00", capacity=10, currency="GBP", **changes) -> Event:
    n = next(_numbers)
    starts = timezone.now() + timedelta(days=7)
    event = Event.objects.create(
        title=f"Paid workshop {n}",
        slug=f"paid-workshop-{n}",
        description="A day of **workshops**.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue="1 Example Street, London",
        capacity=capacity,
        published=True,
        **changes,
    )
    TicketType.objects.create(
        event=event, name="Day ticket", price=Decimal(price), currency=currency, quantity=capacity
    )
    return event


def ticket_of(event: Event) -> TicketType:
    return event.ticket_types.first()


def awaiting_registration(event: Event, user=None, email="buyer@example.org") -> Registration:
    """A registration holding its seat while paid for, as the events side leaves it."""
    return Registration.objects.create(
        event=event,
        ticket_type=ticket_of(event),
        user=user,
        name="Bea Buyer",
        email=user.email if user else email,
        status=Registration.Status.AWAITING_PAYMENT,
    )


def register(client, event: Event, **fields):
    """The member's form on the event page; the answer is the redirect to the order."""
    data = {
        "ticket_type": ticket_of(event).pk,
        "name": "Bea Buyer",
        "email": "bea@example.org",
        **fields,
    }
    return client.post(event.get_absolute_url(), data)


def order_from(response) -> Order:
    pk = int(re.search(r"/events/orders/(\d+)/", response["Location"]).group(1))
    return Order.objects.get(pk=pk)


def choose_test_payment(client, order: Order, **fields):
    data = {"name": order.name, "company": "", "address": "", "variant": "default", **fields}
    return client.post(reverse("events:order", args=[order.pk]), data)


def answer_test_payment(client, order: Order, status="confirmed"):
    """Go to the payment page and answer as the test provider would."""
    payment = order.payments.latest("pk")
    url = reverse("events:payment", args=[order.pk, payment.token])
    client.get(url)
    data = {"status": status, "fraud_status": "accept", "gateway_response": "3ds-disabled"}
    return client.post(url, data)


def buy(client, event: Event, **fields) -> Order:
    """A member buys a ticket through the site's pages with the test provider."""
    order = order_from(register(client, event))
    choose_test_payment(client, order, **fields)
    answer_test_payment(client, order)
    order.refresh_from_db()
    return order


def pay(order: Order):
    """Pay an order directly through the test provider's confirmation (no pages)."""
    payment = sales.start_payment(order, "default")
    payment.change_status("confirmed")
    return payment
