"""The buyer's emails: payment received (the invoice attached), refund made (the credit note)."""

from django.urls import reverse

from privacy.emails import absolute_url, build

from .models import CreditNote, Order


def _attach(email, document) -> None:
    with document.pdf.open("rb") as pdf:
        email.attach(f"{document.number}.pdf", pdf.read(), "application/pdf")


def send_paid(order_id: int) -> bool:
    """The invoice, once the order is paid. Nothing if the order or its address is gone
    (erased: the invoice stays, the address does not)."""
    order = Order.objects.select_related("invoice").filter(pk=order_id).first()
    if order is None or not order.email or not hasattr(order, "invoice"):
        return False
    context = {
        "order": order,
        "invoice": order.invoice,
        "tickets": order.registrations.select_related("event"),
        "order_url": absolute_url(reverse("events:order", args=[order.pk])),
    }
    email = build("events/order_paid", order.email, context)
    _attach(email, order.invoice)
    email.send()
    return True


def send_refunded(order_id: int, credit_note_id: int) -> bool:
    note = (
        CreditNote.objects.select_related("invoice__order")
        .filter(pk=credit_note_id, invoice__order=order_id)
        .first()
    )
    if note is None or not note.invoice.order.email:
        return False
    order = note.invoice.order
    context = {"order": order, "note": note, "invoice": note.invoice}
    email = build("events/order_refunded", order.email, context)
    _attach(email, note)
    email.send()
    return True
