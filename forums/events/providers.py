"""Payment providers as this site configures them (PAYMENT_VARIANTS in settings)."""

import stripe
from payments import PaymentError
from payments.stripe import StripeProviderV3


class StripeCheckout(StripeProviderV3):
    """Stripe Checkout (the card form is on Stripe's page). A webhook whose signature does not
    match STRIPE_WEBHOOK_SECRET, or that is not JSON, is refused with a 400: the library lets
    those errors through, which would answer a forged request with a server error."""

    def return_event_payload(self, request):
        try:
            return super().return_event_payload(request)
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise PaymentError("The webhook's signature or payload is not valid.", 400) from error
