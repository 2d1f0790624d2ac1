"""Where a paid ticket leaves the events module for the payment feature: the hand-over point.

The events side (registration.py, views.py) owns seats: a registration for a ticket type with a
price > 0 is created in ``Registration.Status.AWAITING_PAYMENT``, which holds its seat, inside
the event's row lock, exactly like a confirmed free seat. It then calls, and returns, as the
response to the form::

    checkout.start(request, registration) -> HttpResponse

- ``paid_tickets_on_sale() -> bool``: True when a payment provider is configured
  (PAYMENT_VARIANTS); until then the registration form offers free ticket types only.
- ``start(request, registration)``: makes the order for the registration's ticket type (its
  price and currency, never anything the form sends) and takes the buyer to the order's page,
  where they choose how to pay and go to the provider (sales.py, order_views.py). On payment
  the registration moves to CONFIRMED and the ticket email goes
  (``registration.notify(registration, "confirmed")``), with the invoice in its own email; an
  order that lapses unpaid moves it to EXPIRED and offers the seat to the waiting list.
- ``refund(registration)``: called by ``registration.cancel_registration`` and
  ``registration.cancel_event`` inside their transaction, for a registration with an order: a
  pending order is cancelled, a paid one refunded through the provider with a credit note.

An offer of a freed seat from the waiting list for a paid ticket type goes the same way: claiming
it (``registration.claim_offer``) puts it in AWAITING_PAYMENT and the view calls ``start``.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from . import sales
from .models import Registration
from .order_views import remember_order


def paid_tickets_on_sale() -> bool:
    """Whether the registration form may offer ticket types with a price."""
    return bool(settings.PAYMENT_VARIANTS)


def start(request, registration: Registration) -> HttpResponse:
    """Take the buyer to payment for a registration in AWAITING_PAYMENT (see the module)."""
    try:
        order = sales.create_order(registration, buyer=request.user)
    except sales.CheckoutRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(registration.event)
    remember_order(request, order)
    return redirect(order)


def refund(registration: Registration) -> None:
    """The registration was just cancelled: cancel or refund its order (see the module)."""
    if registration.order_id:
        sales.cancel_for(registration)
