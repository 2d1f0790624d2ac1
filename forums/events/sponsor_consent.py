"""An event sponsor's box on the registration form (P8): the choice goes into the consent ledger
under the same purpose and wording as sponsored resources (privacy.sponsors), and a "no" later
stops the details going to that sponsor from every form."""

from privacy import consent
from privacy.models import Consent
from privacy.sponsors import services as sponsor_services

from .models import Event, Registration


def sponsor_choice(event: Event, *, user, data: dict):
    """Record the choice made in the form's sponsor box, naming the event's sponsor, in the
    consent ledger (the purpose sponsored resources use, P8); the row, or None without a
    sponsor. Either choice is recorded: both are proof."""
    if not event.sponsor_id:
        return None
    return consent.record(
        purpose=sponsor_services.purpose(event.sponsor),
        granted=bool(data.get("sponsor_consent")),
        source=Consent.Source.EVENT_FORM,
        text=data["sponsor_wording"],
        user=user,
        email=data["email"],
    )


def withdraw_sponsor_consent(registration: Registration) -> bool:
    """The attendee stops us passing their details to the event's sponsor (P14): a "no" in the
    ledger from the same person (their account, or their address), which every earlier grant
    to that sponsor gives way to. False if the event has no sponsor or they had not agreed."""
    sponsor = registration.event.sponsor
    given = registration.sponsor_consent
    if sponsor is None or not (given and given.granted):
        return False
    consent.record(
        purpose=sponsor_services.purpose(sponsor),
        granted=False,
        source=Consent.Source.PREFERENCES,
        text=sponsor_services.consent_text(sponsor, "-withdraw"),
        user=registration.user,
        email=registration.email,
    )
    return True
