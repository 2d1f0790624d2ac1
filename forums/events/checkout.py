"""Where a paid ticket leaves the events module for the payment feature: the hand-over point.

The events side (registration.py, views.py) owns seats: a registration for a ticket type with a
price > 0 is created in ``Registration.Status.AWAITING_PAYMENT``, which holds its seat, inside
the event's row lock, exactly like a confirmed free seat. It then calls, and returns, as the
response to the form::

    checkout.start(request, registration) -> HttpResponse

The payment feature implements, in this module:

- ``paid_tickets_on_sale() -> bool``: True once ``start`` takes payments. Until then the
  registration form offers free ticket types only (forms.RegistrationForm), so no path reaches
  ``start``.
- ``start(request, registration)``: create the order and the payment for the registration's
  ticket type (its price and currency, never anything the form sends) and send the buyer to the
  provider; on success it moves the registration to CONFIRMED and sends the ticket email
  (``registration.notify(registration, "confirmed")``); an order that expires unpaid moves it to
  EXPIRED and calls ``registration.offer_freed_seats(event)`` under the event's lock.
- ``refund(registration)``: called by ``registration.cancel_registration`` and
  ``registration.cancel_event`` for a registration that has a paid order (one line there).

An offer of a freed seat from the waiting list for a paid ticket type goes the same way: claiming
it (``registration.claim_offer``) puts it in AWAITING_PAYMENT and the view calls ``start``.
"""

from django.http import HttpResponse

from .models import Registration


def paid_tickets_on_sale() -> bool:
    """Whether the registration form may offer ticket types with a price. False here: paid
    tickets are sold only once the payment feature implements `start`."""
    return False


def start(request, registration: Registration) -> HttpResponse:
    """Take the buyer to payment for a registration in AWAITING_PAYMENT (see the module)."""
    raise NotImplementedError("Paid tickets are sold by the payment feature (checkout.start).")
