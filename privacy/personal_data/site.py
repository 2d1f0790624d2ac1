"""Consents, sessions, the admin log, newsletter deliveries and cookie receipts."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from .. import consent, registry
from ..models import (
    Consent,
    CookieConsentReceipt,
    NewsletterDelivery,
)
from ..registry import EVERY_OTHER, Declaration, Erasure, LegalBasis, Retention, register


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
        purpose__startswith=consent.sponsor_purpose("")
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

register(
    Declaration(
        key="sessions",
        name="Sign-in sessions",
        model=Session,
        fields=["session_key", "session_data", "expire_date"],
        description="A random key in a cookie that keeps your browser signed in.",
        purpose="Keeping you signed in between pages.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Nobody outside the site.",
        # Sessions are opaque and cannot be found by member; the key itself is not exportable.
        export=lambda person: [],
        erasure=Erasure.keep(
            "A session cannot be looked up by member. Once the account is gone it signs nobody "
            "in, and it is deleted when it expires."
        ),
        retention=[
            Retention(
                key="sessions",
                setting=None,
                action=Retention.DELETE,
                expired=lambda now: Session.objects.filter(expire_date__lt=now),
                description="Sessions past their expiry date.",
            )
        ],
    )
)


def _erase_admin_log(person, keep_posts):
    """Staff members' own entries go with them. Entries about any row that is the person's
    lose what names them (an object's `__str__` and an inline's in the message): it runs
    first, while every declaration still finds the person's rows."""
    changed = person.rows(LogEntry.objects.all()).delete()[0]
    for model, theirs in registry.rows_of(person).items():
        keys = model._default_manager.filter(theirs).values_list(Cast("pk", CharField()))
        changed += LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=keys
        ).update(
            object_repr=Concat(Value(f"{model._meta.verbose_name} #"), "object_id"),
            change_message="",
        )
    return changed


register(
    Declaration(
        key="admin-log",
        name="Administration log",
        model=LogEntry,
        erase_before=[EVERY_OTHER],  # its eraser looks up the rows the others find
        fields=["user", "object_id", "object_repr", "change_message"],
        description="Changes staff made in the administration site, and to which record.",
        purpose="Accountability for staff actions.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Administrators.",
        export=lambda person: person.rows(LogEntry.objects.all()).values(
            "action_time", "object_repr", "change_message"
        ),
        erasure=Erasure(Erasure.ANONYMISE, _erase_admin_log),
        retention=[
            Retention(
                key="admin-log",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: LogEntry.objects.filter(action_time__lt=cutoff),
                description="Administration log entries.",
            )
        ],
    )
)


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
