"""Helpers for the paid-ticket tests: an event with a paid ticket type, and a member's way from
the event's form through the test provider (DummyProvider) to a paid order."""

import re
from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.urls import reverse
from django.utils import timezone

from forums.events import sales
from forums.events.models import CreditNote, Event, Order, Payment, Registration, TicketType

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


def orders_everywhere(*, user=None, email: str = "", name: str) -> None:
    """For the class tests: a person with a paid order (an invoice), a refunded one (a credit
    note), both paid with the test provider, and an order never paid."""
    orders = []
    for _ in range(3):
        event = paid_event(capacity=5)
        made = Registration.objects.create(
            event=event,
            ticket_type=ticket_of(event),
            user=user,
            name=name,
            email=user.email if user else email,
            status=Registration.Status.AWAITING_PAYMENT,
        )
        order = sales.create_order(made, buyer=user)
        Order.objects.filter(pk=order.pk).update(company=f"{name} Ltd", address=f"{name}'s house")
        orders.append(Order.objects.get(pk=order.pk))
    pay(orders[0])
    pay(orders[1])
    orders[1].registrations.update(status=Registration.Status.CANCELLED)
    sales.settle_refunds(orders[1].pk)


def _paid_order(moment, *, refunded=False):
    made = awaiting_registration(paid_event(), email="kept@example.org")
    order = sales.create_order(made)
    pay(order)
    if refunded:
        order.registrations.update(status=Registration.Status.CANCELLED)
        sales.settle_refunds(order.pk)
    Order.objects.filter(pk=order.pk).update(financial_year_end=moment)
    return Order.objects.get(pk=order.pk)


def _failed_payment(moment):
    order = sales.create_order(awaiting_registration(paid_event(), email="failed@example.org"))
    payment = sales.start_payment(order, "default")
    payment.change_status("rejected")
    Payment.objects.filter(pk=payment.pk).update(created=moment)
    return payment


def _unpaid_order(moment):
    order = sales.create_order(awaiting_registration(paid_event(), email="unpaid@example.org"))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED, created=moment)
    return order


def _order_whose_documents_are_gone(moment):
    """A paid order as the invoice rule leaves it: its documents deleted the same night."""
    return Order.objects.create(
        name="Kept Buyer",
        currency="GBP",
        subtotal=Decimal("10"),
        total=Decimal("10"),
        status=Order.Status.PAID,
        expires_at=moment,
        financial_year_end=moment,
    )


# Retention rules of paid tickets: a row whose clock started at `moment` (the retention class
# test, tests/privacy/retention/test_retention_boundaries.py).
RETENTION_MAKERS = {
    "failed-payments": _failed_payment,
    "accounting-credit-notes": lambda moment: CreditNote.objects.get(
        invoice__order=_paid_order(moment, refunded=True)
    ),
    "accounting-invoices": lambda moment: _paid_order(moment).invoice,
    "unpaid-orders": _unpaid_order,
    "accounting-orders": _order_whose_documents_are_gone,
}


def hostile_input_order(member) -> Order:
    """The member's pending order with a payment started, for the walk of every form
    (tests/test_hostile_input.py): made once, found again."""
    order = Order.objects.filter(buyer=member).first()
    if order is None:
        order = sales.create_order(awaiting_registration(paid_event(), member), buyer=member)
        sales.start_payment(order, "default")
    return order
