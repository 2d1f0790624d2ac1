"""The consent ledger's personal data (see privacy.registry)."""

from django.db.models import Exists, OuterRef, Q

from .. import consent
from ..registry import Declaration, Erasure, LegalBasis, Retention, register
from .models import Consent


def _consents(person):
    return person.rows(Consent.objects.all(), email_field="email")


def _superseded_consents(cutoff):
    """Ledger rows past the period that no longer prove anything current (P18).

    The newest row per person and purpose is the current state and stays while the person does.
    """
    newer = Consent.objects.filter(
        purpose=OuterRef("purpose"), created__gt=OuterRef("created")
    ).filter(
        Q(user__isnull=False, user=OuterRef("user"))
        | Q(user__isnull=True, email__iexact=OuterRef("email"))
    )
    orphan = Q(user__isnull=True, email="")
    # A sponsor choice proves the disclosures made on it: the rule "sponsor-consents" keeps it
    # exactly as long as they are kept.
    return Consent.objects.filter(Q(Exists(newer)) | orphan, created__lt=cutoff).exclude(
        purpose__startswith=consent.SPONSOR_PURPOSES
    )


def _visitor_addresses_out_of_use(cutoff):
    """A visitor's rows for a purpose whose newest row is a withdrawal older than the period:
    the address is of no more use, the proof stays as a keyed hash (P18)."""
    same = Consent.objects.filter(
        user__isnull=True, email=OuterRef("email"), purpose=OuterRef("purpose")
    )
    return (
        Consent.objects.filter(user__isnull=True)
        .exclude(email="")
        .filter(~Exists(same.filter(created__gte=cutoff)))
        .filter(~Exists(same.current().filter(granted=True)))
    )


def _erase_consents(person, keep_posts):
    return consent.erase(user=person.user, emails=person.addresses)


register(
    Declaration(
        key="consents",
        name="Proof of consent",
        model=Consent,
        fields=[
            "user",
            "email",
            "email_hash",
            "purpose",
            "granted",
            "created",
            "source",
            "text",
            "policy",
        ],
        description=(
            "Each time you agreed to our terms and privacy policy, subscribed to or left the "
            "newsletter: when, where, and the exact wording you were shown."
        ),
        purpose="Proving that we only email and process what you agreed to.",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Nobody outside the site; a regulator if we are asked to prove consent.",
        export=lambda person: _consents(person).values(
            "purpose", "granted", "created", "source", "text__wording", "policy__version"
        ),
        erasure=Erasure(
            Erasure.KEEP,
            _erase_consents,
            "Proof of consent is an operational record (P18). Every consent you gave ends; "
            "the link to your account and your address go (a keyed hash of the address stays, "
            "so the history can be proven to someone who knows it): what remains is what was "
            "agreed, when and how.",
        ),
        retention=[
            Retention(
                key="consent-addresses",
                setting="RETENTION_CONSENT_ADDRESS_DAYS",
                action=Retention.REDUCE,
                reduce=consent.reduce,
                expired=_visitor_addresses_out_of_use,
                description="A visitor's address in the proof of consent, from their withdrawal.",
            ),
            Retention(
                key="superseded-consents",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=_superseded_consents,
                description="Consent rows replaced by a newer choice, or linked to nobody.",
            ),
        ],
    )
)
