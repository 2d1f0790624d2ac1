"""The breach register's personal data (see privacy.registry): the records are kept (P18, Art.
33(5) asks that every breach be documented), and name nobody affected; who was emailed about a
breach is kept as long as other operational records, and goes with the member's erasure."""

from ..registry import Declaration, Erasure, LegalBasis, Retention, register
from .models import Breach, BreachDelivery, BreachEvent

PERMISSION = "privacy.manage_breaches"

register(
    Declaration(
        key="breach-register",
        name="Breach register",
        model=Breach,
        fields=[
            "recorded_by",
            "summary",
            "description",
            "kinds",
            "consequences",
            "measures",
            "authority_notification",
            "delay_reason",
            "people_reason",
            "notice_subject",
            "notice_body",
        ],
        description=(
            "Personal-data breaches: what happened, which kinds of data, roughly how many "
            "people, the consequences, the measures taken, and who recorded it. It names no "
            "person affected."
        ),
        purpose="Documenting every breach and telling the authority and those affected.",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Privacy officers; the supervisory authority when it is notified.",
        staff_permission=PERMISSION,
        # Which breach records they made, not the records themselves: those are about no one.
        export=lambda person: person.rows(Breach.objects.all(), user_field="recorded_by").values(
            "id", "recorded"
        ),
        erasure=Erasure.keep(
            "Article 33(5) GDPR requires every breach to be documented. The record names no "
            "person affected; the link to the staff member who recorded it goes with their "
            "account."
        ),
    )
)

register(
    Declaration(
        key="breach-register-trail",
        name="Breach register audit trail",
        model=BreachEvent,
        fields=["actor", "note"],
        description="Which staff member changed a breach record, how and when.",
        purpose="Accountability for the handling of breaches.",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Privacy officers.",
        staff_permission=PERMISSION,
        export=lambda person: person.rows(BreachEvent.objects.all(), user_field="actor").values(
            "breach_id", "action", "created"
        ),
        erasure=Erasure.keep(
            "The audit trail of a breach record is part of its documentation (P18); the link to "
            "the staff member goes with their account, and a note names fields, not people."
        ),
    )
)


def _deliveries(person):
    return person.rows(BreachDelivery.objects.all(), email_field="email")


register(
    Declaration(
        key="breach-notices",
        name="Breach notices sent to you",
        model=BreachDelivery,
        fields=["user", "email", "status", "created", "updated"],
        description="Which emails about a personal-data breach were sent to which address.",
        purpose="Telling each member affected by a breach once (Art. 34 GDPR).",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Our mail server, to deliver the email.",
        staff_permission=PERMISSION,
        export=lambda person: _deliveries(person).values(
            "breach__notice_subject", "email", "status", "updated"
        ),
        erasure=Erasure.delete(_deliveries),
        retention=[
            Retention(
                key="breach-notices",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: BreachDelivery.objects.filter(created__lt=cutoff),
                description="Who was emailed about a breach.",
            )
        ],
    )
)
