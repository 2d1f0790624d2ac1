"""Proof of each cookie choice (see privacy.registry)."""

from ..registry import Declaration, Erasure, LegalBasis, Retention, register
from .models import CookieConsentReceipt


def _cookie_receipts(person):
    return person.rows(CookieConsentReceipt.objects.all())


register(
    Declaration(
        key="cookie-consent-receipts",
        name="Cookie consent receipts",
        model=CookieConsentReceipt,
        fields=["consent_id", "user", "accepted", "declined", "banner_text", "created"],
        description=(
            "Each cookie choice made in your browser: which categories you accepted or "
            "rejected, when, the wording of the banner, and a random receipt id kept in your "
            "consent cookie. Made while signed in, it is linked to your account."
        ),
        purpose="Proving that optional cookies are used only with consent (P19).",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Nobody outside the site; a regulator if we are asked to prove consent.",
        export=lambda person: _cookie_receipts(person).values(
            "consent_id", "created", "accepted", "declined", "banner_text__wording", "replaced_at"
        ),
        erasure=Erasure.anonymise(
            _cookie_receipts,
            reason="Proof of consent is an operational record (P18): the receipt stays, "
            "without the link to your account.",
            user=None,
        ),
        retention=[
            Retention(
                key="cookie-consent-receipts",
                setting="RETENTION_COOKIE_RECEIPT_DAYS",
                action=Retention.DELETE,
                expired=CookieConsentReceipt.objects.out_of_force_before,
                description=(
                    "Receipts, counted from when a newer choice replaced them or their consent "
                    "cookie ran out."
                ),
            )
        ],
    )
)
