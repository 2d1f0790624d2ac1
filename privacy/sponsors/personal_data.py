"""Sponsored resources: sign-ups, disclosures and sponsor contacts (P8, P23)."""

from django.db.models import Exists, OuterRef

from .. import consent
from ..models import (
    Consent,
    DisclosedLead,
    Disclosure,
    Lead,
    Resource,
    Sponsor,
)
from ..registry import Declaration, Erasure, LegalBasis, Retention, register


def _leads(person):
    return person.rows(Lead.objects.all(), email_field="email")


def _spent_sponsor_choices(cutoff):
    """Choices made about a sponsor (the ledger rows, holding a visitor's address in clear) that
    nothing rests on any more: no lead is sent on them and no disclosure record names them.

    A withdrawal only ever stops leads made before it, and those are gone once it is older than
    the period of leads, so with the period of leads this rule never changes what may be sent.
    """
    return (
        Consent.objects.filter(purpose__startswith=consent.SPONSOR_PURPOSES, created__lt=cutoff)
        .exclude(Exists(Lead.objects.filter(consent=OuterRef("pk"))))
        .exclude(Exists(DisclosedLead.objects.filter(consent=OuterRef("pk"))))
    )


register(
    Declaration(
        key="sponsor-leads",
        name="Sign-ups for sponsored resources",
        model=Lead,
        erase_after=["data-requests"],  # requests redact the names given here
        fields=[
            "user",
            "name",
            "company",
            "job_title",
            "phone",
            "email",
            "agents",
            "answers",
            "consent",
            "created",
        ],
        description=(
            "What you filled in to get a sponsored report, white paper or webinar: your details, "
            "your answers to the sponsor's questions, and whether you let us pass them on."
        ),
        purpose=(
            "Giving you the resource; passing your details to that one sponsor if you ticked the "
            "box that names it."
        ),
        legal_basis=LegalBasis.CONSENT,
        recipients="Only the sponsor you named, and only if you agreed (see disclosures).",
        export=lambda person: _leads(person).values(
            "resource__title",
            "resource__sponsor__name",
            "created",
            "name",
            "company",
            "job_title",
            "phone",
            "email",
            "agents",
            "answers",
        ),
        erasure=Erasure.delete(_leads),
        retention=[
            Retention(
                key="sponsor-leads-without-consent",
                setting="RETENTION_LEAD_WITHOUT_CONSENT_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Lead.objects.filter(
                    pk__in=Lead.objects.filter(created__lt=cutoff)
                    .with_consent()
                    .filter(consented=False)
                    .values("pk")
                ),
                description="Sign-ups of people who did not let us pass their details on.",
            ),
            Retention(
                key="sponsor-leads",
                setting="RETENTION_LEAD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Lead.objects.filter(created__lt=cutoff),
                description="Every sign-up, consent or not (the disclosure records stay).",
            ),
            Retention(
                key="sponsor-consents",
                setting="RETENTION_LEAD_DAYS",
                action=Retention.DELETE,
                expired=_spent_sponsor_choices,
                description=(
                    "Choices about a sponsor (proof of consent), once neither a sign-up nor a "
                    "record of a disclosure rests on them."
                ),
            ),
        ],
    )
)


def _disclosed(person):
    return person.rows(DisclosedLead.objects.all(), email_field="email")


register(
    Declaration(
        key="sponsor-disclosures",
        name="Details passed to sponsors",
        model=DisclosedLead,
        fields=["user", "email", "lead", "consent", "fields"],
        description=(
            "Each time we sent your details to a sponsor with your permission: to whom, when, "
            "which fields, and on which consent."
        ),
        purpose="Accountability: proving that your details went only where you allowed (P8).",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Nobody outside the site; a regulator if we are asked to prove it.",
        export=lambda person: _disclosed(person).values(
            "disclosure__sponsor__name",
            "disclosure__sponsor__privacy_notice_url",
            "disclosure__created",
            "fields",
        ),
        erasure=Erasure.anonymise(
            _disclosed,
            reason=(
                "A record of a disclosure is an operational record (P18): the link to you goes, "
                "what was sent to which sponsor, when and on which consent stays. The sponsor "
                "keeps its own copy: contact it through its privacy notice."
            ),
            user=None,
            email="",
            lead=None,
        ),
    )
)

register(
    Declaration(
        key="sponsor-disclosure-log",
        name="Exports of leads to sponsors (staff)",
        model=Disclosure,
        fields=["disclosed_by"],
        description="Which staff member exported a sponsor's leads, and when.",
        purpose="Accountability for every disclosure of personal data (P8).",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Administrators.",
        export=lambda person: person.rows(
            Disclosure.objects.all(), user_field="disclosed_by"
        ).values("sponsor__name", "created", "people"),
        erasure=Erasure.keep(
            "An audit record (P18): when the staff account is deleted the name goes, the "
            "record of the export stays."
        ),
        retention=[
            Retention(
                key="sponsor-disclosures",
                setting="RETENTION_DISCLOSURE_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Disclosure.objects.filter(created__lt=cutoff),
                description="Records of exports to sponsors, with who was in each.",
            )
        ],
    )
)


def _sponsor_contacts(person):
    return person.rows(Sponsor.objects.all(), user_field=None, email_field="contact_email")


def _contacts_out_of_use(cutoff):
    """Sponsors with nothing published and no sign-up since the cutoff: nobody's leads go to
    their contact any more."""
    published = Resource.objects.filter(sponsor=OuterRef("pk"), published=True)
    recent_leads = Lead.objects.filter(resource__sponsor=OuterRef("pk"), created__gte=cutoff)
    return (
        Sponsor.objects.filter(created__lt=cutoff)
        .filter(~Exists(published), ~Exists(recent_leads))
        .exclude(contact_name="", contact_email="")
    )


register(
    Declaration(
        key="sponsor-contacts",
        name="Sponsors' contacts",
        model=Sponsor,
        fields=["name", "contact_name", "contact_email", "privacy_notice_url"],
        description="The person at a sponsor who receives its leads.",
        purpose="Sending a sponsor the details people allowed us to pass on.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Administrators.",
        export=lambda person: _sponsor_contacts(person).values(
            "name", "contact_name", "contact_email"
        ),
        erasure=Erasure.anonymise(_sponsor_contacts, contact_name="", contact_email=""),
        retention=[
            Retention(
                key="sponsor-contacts",
                setting="RETENTION_SPONSOR_CONTACT_DAYS",
                action=Retention.CLEAR,
                changes={"contact_name": "", "contact_email": ""},
                expired=_contacts_out_of_use,
                description=(
                    "A sponsor's contact, counted from its last sign-up once nothing of the "
                    "sponsor's is published."
                ),
            )
        ],
    )
)
