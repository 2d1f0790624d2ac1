"""Selling paid tickets: orders, payments through django-payments, refunds, lapsed orders.

The money side of a registration in AWAITING_PAYMENT (registration.py holds the seat):

- ``create_order`` fixes the price from the ticket type on the server;
- ``start_payment`` makes a payment row for the provider the buyer chose;
- ``payment_changed`` (django-payments' ``status_changed`` signal) records a confirmed payment
  once: the order is paid, the seat confirmed, the invoice numbered inside the same transaction,
  the emails queued. A return or webhook that comes twice, late or out of order changes nothing
  (``Payment.change_status`` refuses what cannot follow, and the order's row is locked and
  checked here);
- ``lapse_unpaid_orders`` (beat) cancels orders left unpaid and frees their seats;
- ``cancel_for`` (attendee or staff cancel) cancels a pending order, or marks a paid one for a
  refund, which ``settle_refunds`` (a task, retried by the beat sweep) makes through the provider
  with a credit note.

Locks are taken in one order everywhere: the event, then the order, then registrations.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from payments import PaymentError, PaymentStatus
from payments.signals import status_changed

from community.celery import enqueue
from privacy.stats import count_feature

from . import registration as registrations
from .invoicing import financial_year_end, issue_credit_note, issue_invoice, tax_on
from .models import Event, Order, Payment, Registration

logger = logging.getLogger(__name__)
Status = Order.Status
AWAITING = Registration.Status.AWAITING_PAYMENT


class CheckoutRefused(Exception):
    """The order cannot be made or paid; the message says why, for the buyer."""


def is_test_provider(variant: str) -> bool:
    handler = settings.PAYMENT_VARIANTS.get(variant, ("",))[0]
    return handler == "payments.dummy.DummyProvider"


@transaction.atomic
def create_order(registration: Registration, *, buyer=None, details: dict | None = None) -> Order:
    """The order for a registration holding its seat in AWAITING_PAYMENT (one order each, made
    again only once the last lapsed). The price and currency are the ticket type's."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != AWAITING:
        raise CheckoutRefused("This registration is not waiting for a payment.")
    if registration.order_id and registration.order.is_pending:
        return registration.order
    ticket = registration.ticket_type
    if ticket.currency != settings.EVENTS_CURRENCY:
        raise CheckoutRefused(
            f"This ticket is priced in {ticket.currency}, but payments are taken in "
            f"{settings.EVENTS_CURRENCY}: please tell us, we will correct it."
        )
    if ticket.price <= 0:
        raise CheckoutRefused("This ticket is free: there is nothing to pay.")
    details = details or {}
    line = {
        "registration": registration.pk,
        "description": f"{ticket.name}, {registration.event.title} ({registration.code})",
        "quantity": 1,
        "unit_price": str(ticket.price),
    }
    rate = settings.EVENTS_TAX_RATE
    tax = tax_on(ticket.price, rate)
    now = timezone.now()
    order = Order.objects.create(
        buyer=buyer if buyer is not None and buyer.is_authenticated else None,
        name=details.get("name") or registration.name,
        email=registration.email,
        company=details.get("company", registration.company),
        address=details.get("address", ""),
        currency=ticket.currency,
        lines=[line],
        subtotal=ticket.price,
        tax_rate=rate,
        tax=tax,
        total=ticket.price + tax,
        expires_at=now + timedelta(minutes=settings.EVENTS_ORDER_EXPIRY_MINUTES),
    )
    registration.order = order
    registration.save(update_fields=["order", "updated"])
    return order


@transaction.atomic
def start_payment(order: Order, variant: str, **invoice_details) -> Payment:
    """A payment row for `order` through the provider `variant` (one of PAYMENT_VARIANTS),
    with the name, company and address the invoice will carry."""
    if variant not in settings.PAYMENT_VARIANTS:
        raise CheckoutRefused("Choose one of the ways to pay offered.")
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.is_pending or order.expires_at <= timezone.now():
        raise CheckoutRefused("This order can no longer be paid: its time ran out.")
    if invoice_details:
        for field in ("name", "company", "address"):
            setattr(order, field, invoice_details.get(field, getattr(order, field)))
        order.save(update_fields=["name", "company", "address"])
    return Payment.objects.create(
        order=order,
        variant=variant,
        currency=order.currency,
        total=order.total,
        tax=order.tax,
        description=f"Order {order.pk}",
    )


@receiver(status_changed)
def payment_changed(sender, instance, **kwargs) -> None:
    if sender is Payment and instance.status == PaymentStatus.CONFIRMED:
        record_payment(instance)


@transaction.atomic
def record_payment(payment: Payment) -> None:
    """A confirmed payment, recorded once: paid order, confirmed seats, numbered invoice."""
    event_ids = Registration.objects.filter(order=payment.order_id).values("event_id")
    list(Event.objects.select_for_update().filter(pk__in=event_ids).order_by("pk"))
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    if Decimal(payment.captured_amount) < payment.total:
        payment.captured_amount = payment.total  # the dummy provider leaves it at 0
        Payment.objects.filter(pk=payment.pk).update(captured_amount=payment.total)
    if order.status != Status.PENDING or (payment.currency, payment.total) != (
        order.currency,
        order.total,
    ):
        # Paid twice, or too late, or not the order's amount: given back (settle_refunds).
        logger.warning("Payment %s came for order %s, not payable: refund", payment.pk, order.pk)
        enqueue("events.settle_refunds", order.pk)
        return
    now = timezone.now()
    order.status, order.paid_at = Status.PAID, now
    order.financial_year_end = financial_year_end(now)
    order.save(update_fields=["status", "paid_at", "financial_year_end"])
    for registration in order.registrations.select_for_update().filter(status=AWAITING):
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated"])
        registrations.notify(registration, "confirmed")
        transaction.on_commit(lambda: count_feature("ticket-sale"))
    issue_invoice(order, now)
    enqueue("events.send_order_paid", order.pk)


def lapse_unpaid_orders(now=None) -> int:
    """Orders left unpaid past their time are cancelled and their seats freed; how many.
    Safe to run at any time (beat), and re-sends refunds a lost task did not make."""
    now = now or timezone.now()
    lapsed = sum(lapse_order(order_id, now) for order_id in _due(now))
    for order_id in Order.objects.filter(refund_requested_at__isnull=False).values_list(
        "pk", flat=True
    ):
        enqueue("events.settle_refunds", order_id)
    return lapsed


def _due(now):
    return list(Order.objects.due_to_lapse(now).values_list("pk", flat=True))


@transaction.atomic
def lapse_order(order_id: int, now) -> bool:
    event_ids = Registration.objects.filter(order=order_id).values("event_id")
    events = list(Event.objects.select_for_update().filter(pk__in=event_ids).order_by("pk"))
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or not order.is_pending or order.expires_at >= now:
        return False
    if not _cancel_payments(order):
        return False  # a provider says the money is on its way: the payment decides
    order.status, order.closed_at = Status.CANCELLED, now
    order.save(update_fields=["status", "closed_at"])
    order.registrations.filter(status=AWAITING).update(
        status=Registration.Status.EXPIRED, updated=now
    )
    for event in events:
        registrations.offer_freed_seats(event, now)
    return True


def _cancel_payments(order: Order) -> bool:
    """Close the payments still open at their providers; False if one cannot be (paid)."""
    for payment in order.payments.filter(status__in=[PaymentStatus.WAITING, PaymentStatus.INPUT]):
        try:
            payment.cancel()
        except PaymentError:
            logger.warning("Payment %s could not be cancelled at its provider", payment.pk)
            return False
    return True


def cancel_for(registration: Registration) -> None:
    """The registration was cancelled (by its attendee, or with its event by staff), inside
    the caller's transaction: a pending order is cancelled, a paid one refunded (a task)."""
    order = Order.objects.select_for_update().filter(pk=registration.order_id).first()
    if order is None:
        return
    if order.is_pending:
        _cancel_payments(order)
        order.status, order.closed_at = Status.CANCELLED, timezone.now()
        order.save(update_fields=["status", "closed_at"])
    elif order.status == Status.PAID:
        order.refund_requested_at = order.refund_requested_at or timezone.now()
        order.save(update_fields=["refund_requested_at"])
        enqueue("events.settle_refunds", order.pk)


@transaction.atomic
def settle_refunds(order_id: int) -> int:
    """Give back what is owed on the order, once; how many refunds were made. Safe to run
    twice. Owed: the lines of cancelled registrations of a paid order (with a credit note);
    a second payment for an order already paid; any payment for an order that was no longer
    payable when it came (no invoice was issued for it: all of it)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        return 0
    taken = list(
        order.payments.filter(
            status__in=[PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED]
        ).order_by("pk")
    )
    paying = taken[0] if order.status in (Status.PAID, Status.REFUNDED) else None
    refunds = 0
    for payment in taken:
        if payment != paying and payment.status == PaymentStatus.CONFIRMED:
            refunds += _refund(payment, payment.captured_amount)
    lines = _lines_to_credit(order) if order.status == Status.PAID else []
    if lines and paying.status == PaymentStatus.CONFIRMED:
        subtotal = sum(Decimal(line["unit_price"]) * line["quantity"] for line in lines)
        refunds += _refund(paying, subtotal + tax_on(subtotal, order.tax_rate))
        _credit(order, lines)
    if order.refund_requested_at:
        order.refund_requested_at = None
        order.save(update_fields=["refund_requested_at"])
    return refunds


def _lines_to_credit(order: Order) -> list[dict]:
    credited = {line["registration"] for note in _credit_notes(order) for line in note.lines}
    cancelled = set(
        order.registrations.filter(status=Registration.Status.CANCELLED).values_list(
            "pk", flat=True
        )
    )
    return [
        line
        for line in order.lines
        if line["registration"] in cancelled and line["registration"] not in credited
    ]


def _credit_notes(order: Order):
    invoice = getattr(order, "invoice", None)
    return invoice.credit_notes.all() if invoice else []


def _refund(payment: Payment, amount: Decimal) -> int:
    try:
        payment.refund(amount=min(amount, payment.captured_amount))
    except (PaymentError, ValueError) as error:
        logger.error("Refund of payment %s failed: %s", payment.pk, error)
        raise
    return 1


def _credit(order: Order, lines: list[dict]) -> None:
    now = timezone.now()
    note = issue_credit_note(order.invoice, lines, "Ticket cancelled", now)
    order.refunded += note.total
    if order.refunded >= order.total:
        order.status, order.closed_at = Status.REFUNDED, now
    order.financial_year_end = financial_year_end(now)
    order.save(update_fields=["refunded", "status", "closed_at", "financial_year_end"])
    enqueue("events.send_order_refunded", order.pk, note.pk)
