"""Payment providers as this site configures them (PAYMENT_VARIANTS in settings)."""

import stripe
from payments import PaymentError, PaymentStatus
from payments.stripe import StripeProviderV3


def _plain(stripe_object):
    """A Stripe object as plain JSON-ready data: the library (django-payments 4.1) stores and
    reads them as dicts, which Stripe's objects are no longer (stripe-python 12+)."""
    to_dict = getattr(stripe_object, "to_dict", None)
    return to_dict(for_json=True) if to_dict else stripe_object


class StripeCheckout(StripeProviderV3):
    """Stripe Checkout (the card form is on Stripe's page).

    - A webhook whose signature does not match STRIPE_WEBHOOK_SECRET, or that is not JSON, is
      refused with a 400: the library lets those errors through, which would answer a forged
      request with a server error.
    - Stripe's objects are turned into plain data before the library reads or stores them.
    - A refund keeps nothing of Stripe's answer (the library would store the whole refund).
    """

    def return_event_payload(self, request):
        try:
            return _plain(super().return_event_payload(request))
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise PaymentError("The webhook's signature or payload is not valid.", 400) from error

    def create_session(self, payment):
        return _plain(super().create_session(payment))

    def refund(self, payment, amount=None):
        if payment.status != PaymentStatus.CONFIRMED:
            raise PaymentError("Only confirmed payments can be refunded.")
        to_refund = amount or payment.total
        try:
            payment_intent = payment.attrs.session["payment_intent"]
        except (AttributeError, KeyError, TypeError) as error:
            raise PaymentError("Cannot refund: Stripe's payment intent is not known.") from error
        stripe.api_key = self.api_key
        try:
            stripe.Refund.create(
                payment_intent=payment_intent,
                amount=self.convert_amount(payment.currency, to_refund),
                reason="requested_by_customer",
            )
        except stripe.StripeError as error:
            raise PaymentError(str(error)) from error
        return to_refund
