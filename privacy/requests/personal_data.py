"""Data-subject requests (issue 6). Exports are registered before the requests: they are
found through the request's address, which erasure then reduces."""

import re

from django.db.models import Q

from ..models import Feedback, Lead
from ..registry import Declaration, Erasure, LegalBasis, Retention, member_facts, register
from .models import DataExport, DataRequest, ProcessingRestriction, RequestEvent


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
    """What names the person: their addresses, a member's names, and the names they typed
    into forms (a visitor is known by no other)."""
    found = [*person.addresses]
    if person.user is not None:
        found += [person.user.get_username(), member_facts(person.user)["name"]]
    found += person.rows(Lead.objects.all(), email_field="email").values_list("name", flat=True)
    found += person.rows(Feedback.objects.all(), email_field="email").values_list("name", flat=True)
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
