"""Personal data held by the privacy app and by Django itself (see privacy/registry.py)."""

import re

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, Q

from . import cookies
from .models import (
    Consent,
    CookieConsentReceipt,
    DataExport,
    DataRequest,
    DisclosedLead,
    Disclosure,
    Feedback,
    Lead,
    NewsletterDelivery,
    ProcessingRestriction,
    RequestEvent,
    RetentionWarning,
    Sponsor,
)
from .registry import Declaration, Erasure, LegalBasis, Retention, register


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
    return Consent.objects.filter(Q(Exists(newer)) | orphan, created__lt=cutoff)


register(
    Declaration(
        key="consents",
        name="Proof of consent",
        model=Consent,
        fields=["user", "email", "purpose", "granted", "created", "source", "text", "policy"],
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
        erasure=Erasure.keep(
            "Proof of consent is an operational record (P18). Deleting your account removes "
            "the link to you; what remains is what was agreed, when and how."
        ),
        retention=[
            Retention(
                key="superseded-consents",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=_superseded_consents,
                description="Consent rows replaced by a newer choice, or linked to nobody.",
            )
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


def _own_account_entries(person):
    if person.user is None:
        return LogEntry.objects.none()
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=str(person.user.pk),
    )


def _erase_admin_log(person, keep_posts):
    """Staff members' own entries go with them; entries about a member lose their name."""
    changed = person.rows(LogEntry.objects.all()).delete()[0]
    return changed + _own_account_entries(person).update(object_repr="former member")


register(
    Declaration(
        key="admin-log",
        name="Administration log",
        model=LogEntry,
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
                expired=cookies.receipts_out_of_force_before,
                description=(
                    "Receipts, counted from when a newer choice replaced them or their consent "
                    "cookie ran out."
                ),
            )
        ],
    )
)


# Data-subject requests (issue 6). Exports are registered before the requests: they are found
# through the request's address, which erasure then reduces.


def _data_requests(person):
    return person.rows(DataRequest.objects.all(), email_field="email")


def _data_exports(person):
    return DataExport.objects.filter(
        Q(request__in=_data_requests(person)) | Q(pk__in=person.rows(DataExport.objects.all()))
    )


register(
    Declaration(
        key="data-exports",
        name="Copies of your data",
        model=DataExport,
        fields=["user"],
        description="The download files we made when you asked for a copy of your data.",
        purpose="Giving you a copy of your data (your right of access and portability).",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Only you: the download is served to nobody else.",
        export=lambda person: _data_exports(person).values(
            "request_id", "created", "ready", "size"
        ),
        erasure=Erasure.delete(_data_exports),
        retention=[
            Retention(
                key="data-exports",
                setting="RETENTION_DATA_EXPORT_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: DataExport.objects.filter(created__lt=cutoff),
                description="The export file and its record (the download link lasts as long).",
            )
        ],
    )
)


def _identifiers(person) -> list[str]:
    found = [person.email]
    if person.user is not None:
        found += [person.user.email, person.user.username, person.user.display_name]
    return sorted({value for value in found if value}, key=len, reverse=True)


def _redact(text: str, identifiers: list[str]) -> str:
    for value in identifiers:
        text = re.sub(re.escape(value), "[erased]", text, flags=re.IGNORECASE)
    return text


def _reduce_data_requests(person, keep_posts):
    """Keep the record that the request was handled (P18): the address and the link to the
    account go (a keyed hash of the address stays), and the requester's names are taken out
    of what they and staff wrote."""
    identifiers = _identifiers(person)
    changed = 0
    for request in _data_requests(person).prefetch_related("events"):
        request.user, request.email = None, ""
        for field in ("details", "outcome", "extension_reason"):
            setattr(request, field, _redact(getattr(request, field), identifiers))
        request.save(update_fields=["user", "email", "details", "outcome", "extension_reason"])
        for event in request.events.all():
            if event.note:
                event.note = _redact(event.note, identifiers)
                event.save(update_fields=["note"])
        changed += 1
    if person.user is not None:  # a staff member's name leaves the requests they handled
        changed += DataRequest.objects.filter(handler=person.user).update(handler=None)
        RequestEvent.objects.filter(actor=person.user).update(actor=None)
    return changed


def _closed_requests(cutoff):
    return DataRequest.objects.filter(status__in=DataRequest.CLOSED, closed__lt=cutoff)


register(
    Declaration(
        key="data-requests",
        name="Your data requests",
        model=DataRequest,
        fields=[
            "user",
            "email",
            "requester_hash",
            "details",
            "outcome",
            "extension_reason",
            "handler",
        ],
        description=(
            "The requests you made about your data (a copy, erasure, correction...), what you "
            "wrote, when we answered and how."
        ),
        purpose="Answering your request and showing that we did, on time.",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Our privacy officers; a regulator if asked to show a request was handled.",
        export=lambda person: _data_requests(person).values(
            "id",
            "kind",
            "status",
            "details",
            "received",
            "confirmed",
            "due_date",
            "extended_due_date",
            "extension_reason",
            "outcome",
            "closed",
        ),
        erasure=Erasure(
            Erasure.KEEP,
            _reduce_data_requests,
            "Kept, reduced (P18): a record that your request was made and handled stays, "
            "without your address, your account or your name.",
        ),
        retention=[
            Retention(
                key="unconfirmed-data-requests",
                setting="RETENTION_UNCONFIRMED_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: DataRequest.objects.filter(
                    status=DataRequest.Status.AWAITING_CONFIRMATION, received__lt=cutoff
                ),
                description="A visitor's request whose confirmation link was never clicked.",
            ),
            Retention(
                key="closed-data-requests",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=_closed_requests,
                description="A request and its audit trail, counted from when it was closed.",
            ),
        ],
    )
)

register(
    Declaration(
        key="data-request-events",
        name="What happened to your data requests",
        model=RequestEvent,
        fields=["actor", "note"],
        description="Each step in handling your requests, when, with any note we sent you.",
        purpose="The audit trail of data requests (P18).",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Our privacy officers.",
        export=lambda person: RequestEvent.objects.filter(
            request__in=_data_requests(person)
        ).values("request_id", "action", "created", "note"),
        erasure=Erasure.keep(
            "The audit trail stays with its request (P18), reduced as the request is."
        ),
        retention=[
            Retention(
                key="closed-data-request-events",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: RequestEvent.objects.filter(
                    request__in=_closed_requests(cutoff)
                ),
                description="Goes with its request.",
            )
        ],
    )
)

register(
    Declaration(
        key="processing-restrictions",
        name="Restrictions of processing",
        model=ProcessingRestriction,
        fields=["user"],
        description="When you asked us to stop using your data, and when that ended.",
        purpose="Not emailing you newsletters or notifications while processing is restricted.",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Nobody outside the site.",
        export=lambda person: person.rows(ProcessingRestriction.objects.all()).values(
            "request_id", "started", "lifted"
        ),
        erasure=Erasure.delete(lambda person: person.rows(ProcessingRestriction.objects.all())),
        retention=[
            Retention(
                key="lifted-processing-restrictions",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: ProcessingRestriction.objects.filter(lifted__lt=cutoff),
                description="A restriction, counted from when it was lifted.",
            )
        ],
    )
)


register(
    Declaration(
        key="inactivity-warnings",
        name="Warnings before erasing an inactive account",
        model=RetentionWarning,
        fields=["user", "rule", "sent"],
        description="When we emailed you that your account would be erased for inactivity.",
        purpose="Erasing an inactive account only after telling its member (P17).",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Nobody outside the site.",
        export=lambda person: person.rows(RetentionWarning.objects.all()).values("rule", "sent"),
        erasure=Erasure.delete(lambda person: person.rows(RetentionWarning.objects.all())),
        # It lives as long as the account: signing in again makes it moot (see
        # privacy/retention.py), and a new warning replaces it.
    )
)


# Sponsored resources (P8, P23)


def _leads(person):
    return person.rows(Lead.objects.all(), email_field="email")


register(
    Declaration(
        key="sponsor-leads",
        name="Sign-ups for sponsored resources",
        model=Lead,
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
    )
)


# Feedback (P16)


def _feedback(person):
    return person.rows(Feedback.objects.all(), email_field="email")


def _erase_feedback(person, keep_posts):
    """Unpublished feedback goes; a published item keeps only its edited, anonymised text."""
    changed = _feedback(person).filter(published_at__isnull=True).delete()[0]
    return changed + _feedback(person).update(
        user=None, name="", email="", message="", staff_notes=""
    )


register(
    Declaration(
        key="feedback",
        name="Feedback and support requests",
        model=Feedback,
        fields=["user", "name", "email", "message", "staff_notes", "published_text"],
        description=(
            "Messages you sent through the feedback page, staff notes on them, and the edited, "
            "anonymised text if we published one (we email you first)."
        ),
        purpose="Answering you and improving the site.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Staff. A published text is public, without anything that identifies you.",
        export=lambda person: _feedback(person).values(
            "kind",
            "created",
            "name",
            "email",
            "message",
            "status",
            "staff_notes",
            "published_text",
            "published_at",
        ),
        erasure=Erasure(
            Erasure.DELETE,
            _erase_feedback,
            "A published item stays as its edited, anonymised text, unlinked from you.",
        ),
        retention=[
            Retention(
                key="feedback",
                setting="RETENTION_FEEDBACK_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Feedback.objects.filter(
                    published_at__isnull=True, closed_at__lt=cutoff
                ),
                description="Closed feedback and support requests, counted from closing.",
            ),
            Retention(
                key="published-feedback",
                setting="RETENTION_FEEDBACK_DAYS",
                action=Retention.CLEAR,
                changes={"user": None, "name": "", "email": "", "message": "", "staff_notes": ""},
                expired=lambda cutoff: (
                    Feedback.objects.filter(published_at__lt=cutoff).exclude(message="")
                ),
                description="Published feedback keeps only its edited text, from publication.",
            ),
        ],
    )
)
