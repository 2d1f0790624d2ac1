"""Who each newsletter went to (see privacy.registry)."""

from ..registry import Declaration, Erasure, LegalBasis, Retention, register
from .models import NewsletterDelivery


def _deliveries(person):
    return person.rows(NewsletterDelivery.objects.all(), email_field="email")


register(
    Declaration(
        key="newsletter-deliveries",
        name="Newsletters sent to you",
        model=NewsletterDelivery,
        fields=["user", "email", "status", "created", "updated"],
        description=(
            "Which newsletters were sent to which address and when. (An address waiting for "
            "its confirmation link is not stored at all: the link itself carries it.)"
        ),
        purpose="Sending each newsletter once and only to those who consented.",
        legal_basis=LegalBasis.CONSENT,
        recipients="Our mail server, to deliver the email.",
        export=lambda person: _deliveries(person).values(
            "newsletter__subject", "email", "status", "updated"
        ),
        erasure=Erasure.delete(_deliveries),
        retention=[
            Retention(
                key="newsletter-deliveries",
                setting="RETENTION_NEWSLETTER_DELIVERY_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: NewsletterDelivery.objects.filter(created__lt=cutoff),
                description="Newsletter delivery records.",
            )
        ],
    )
)
