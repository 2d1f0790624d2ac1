"""Data-subject requests (P12-P16): every change of state, for the site, the admin and tasks.

A request moves awaiting confirmation -> open -> in progress (-> waiting on the requester) ->
completed, refused or withdrawn. Each change writes a RequestEvent and emails the requester.
Work that must survive a crash (an export, an erasure) runs in a Celery task enqueued after
commit; `DataRequest.enqueued` marks it, and `sweep.sweep` re-sends work whose task was lost.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from community.celery import enqueue

from .. import registry
from .errors import RequestError
from .limits import check_limits
from .models import DataExport, DataRequest, ProcessingRestriction, RequestEvent, add_months
from .notices import notify
from .restriction import is_restricted

Kind, Status, Action = DataRequest.Kind, DataRequest.Status, RequestEvent.Action

SELF_SERVICE = (Kind.ACCESS, Kind.ERASURE)


# Making and confirming a request


@transaction.atomic
def create(*, kind: str, user=None, email: str = "", details: str = "", keep_posts=None):
    """A member's request is confirmed at once (they are signed in); a visitor's waits for the
    link sent to their address (`links.confirmation_url`). RequestError past a member's limits."""
    email = user.email if user is not None else email.strip().lower()
    if user is not None:  # a visitor's count only once they confirm (`confirm`)
        check_limits(kind=kind, user=user, requester_hash=registry.keyed_hash(email))
    received = timezone.now()
    request = DataRequest.objects.create(
        kind=kind,
        user=user,
        email=email,
        requester_hash=registry.keyed_hash(email),
        details=details,
        keep_posts=keep_posts,
        received=received,
        due_date=add_months(timezone.localtime(received).date(), 1),
    )
    _event(request, Action.CREATED)
    if user is None:
        enqueue("privacy.send_request_confirmation", request.pk)
    else:
        confirm(request)
    return request


@transaction.atomic
def confirm(request: DataRequest, *, by=None) -> None:
    """Identity confirmed (the link clicked, the member signed in, or staff checked it)."""
    request = locked(request)
    if request.status != Status.AWAITING_CONFIRMATION:
        raise RequestError("This request has already been confirmed.")
    if request.user is None and by is None:  # staff who checked an identity decide themselves
        check_limits(kind=request.kind, requester_hash=request.requester_hash)
    request.status, request.confirmed = Status.OPEN, timezone.now()
    request.save(update_fields=["status", "confirmed"])
    _changed(request, Action.CONFIRMED, by)
    if request.user is not None:
        _self_service(request)


def _self_service(request: DataRequest) -> None:
    """A member's export (if the setting allows) and erasure need no staff."""
    if request.kind == Kind.ACCESS and settings.DATA_REQUESTS_SELF_SERVICE_EXPORT:
        produce_export(request)
    elif request.kind == Kind.ERASURE:
        carry_out_erasure(request)


# Staff handling


@transaction.atomic
def start(request: DataRequest, *, by=None) -> None:
    request = locked(request)
    if request.status not in (Status.OPEN, Status.WAITING):
        raise RequestError(
            f"A request that is {request.get_status_display().lower()} cannot start."
        )
    request.status = Status.IN_PROGRESS
    request.handler = by or request.handler
    request.save(update_fields=["status", "handler"])
    _changed(request, Action.STARTED, by)


@transaction.atomic
def wait_on_requester(request: DataRequest, *, by, note: str) -> None:
    request = locked(request)
    _require_pending(request)
    if not note.strip():
        raise RequestError("Say what you need from the requester.")
    request.status = Status.WAITING
    request.save(update_fields=["status"])
    _changed(request, Action.WAITING, by, note)


@transaction.atomic
def extend(request: DataRequest, *, until: date, reason: str, by=None) -> None:
    """P15: up to two more months for a complex request, the requester told why before the
    first month ends."""
    request = locked(request)
    _require_pending(request)
    if not reason.strip():
        raise RequestError("An extension needs a reason: the requester is told it.")
    if timezone.localdate() > request.due_date:
        raise RequestError("The first month has ended: an extension had to be sent before it.")
    if until <= request.effective_due_date:
        raise RequestError(f"The new due date must be after {request.effective_due_date:%d %b %Y}.")
    if until > request.latest_extension_date:
        raise RequestError(
            "A request can be extended to at most three months after it was received "
            f"({request.latest_extension_date:%d %b %Y})."
        )
    request.extended_due_date, request.extension_reason = until, reason.strip()
    request.extension_notified = timezone.now()
    request.save(update_fields=["extended_due_date", "extension_reason", "extension_notified"])
    _changed(request, Action.EXTENDED, by, reason.strip())


@transaction.atomic
def complete(request: DataRequest, *, by=None, outcome: str = "") -> None:
    request = locked(request)
    _require_pending(request)
    close(request, Status.COMPLETED, outcome, by, Action.COMPLETED)


@transaction.atomic
def refuse(request: DataRequest, *, reason: str, category: str = "other", by=None) -> None:
    """Refused, with the reason the requester is told and its category (counted, without the
    reason, by the public transparency report)."""
    request = locked(request)
    if request.status in DataRequest.CLOSED:
        raise RequestError("This request is already closed.")
    if not reason.strip():
        raise RequestError("A refusal needs a reason: the requester is told it.")
    if category not in DataRequest.RefusalCategory.values:
        raise RequestError("Choose the category of the reason.")
    request.refusal_category = category
    request.save(update_fields=["refusal_category"])
    close(request, Status.REFUSED, reason.strip(), by, Action.REFUSED)


@transaction.atomic
def withdraw(request: DataRequest) -> None:
    """The requester changed their mind."""
    request = locked(request)
    if request.status not in (Status.OPEN, Status.WAITING):
        raise RequestError("Only a request that is not being worked on can be withdrawn.")
    close(request, Status.WITHDRAWN, "", None, Action.WITHDRAWN)


# Access (P12) and erasure (P13): the work itself is a task (export.build_export, erasure.erase)


@transaction.atomic
def produce_export(request: DataRequest, *, by=None) -> DataExport:
    """Start building a ZIP of everything held about the requester; they get an email."""
    request = _start_work(request, Kind.ACCESS, "Only an access request produces an export.", by)
    export = DataExport.objects.create(request=request, user=request.user)
    enqueue_work(request)
    return export


@transaction.atomic
def carry_out_erasure(request: DataRequest, *, by=None) -> None:
    request = _start_work(request, Kind.ERASURE, "Only an erasure request erases data.", by)
    enqueue_work(request)


def _start_work(request: DataRequest, kind: str, refusal: str, by) -> DataRequest:
    """The request locked and in progress, if it is of that kind and still to be answered."""
    request = locked(request)
    if request.kind != kind:
        raise RequestError(refusal)
    if request.status in (Status.OPEN, Status.WAITING):
        start(request, by=by)
    _require_pending(request)
    return request


# Restriction (P14)


@transaction.atomic
def restrict(request: DataRequest, *, by=None) -> ProcessingRestriction:
    request = locked(request)
    if request.kind != Kind.RESTRICTION or request.user is None:
        raise RequestError("Only a member's restriction request restricts processing.")
    _require_pending(request)
    if is_restricted(request.user):
        raise RequestError("Processing of this member's data is already restricted.")
    restriction = ProcessingRestriction.objects.create(user=request.user, request=request)
    _changed(request, Action.RESTRICTED, by)
    return restriction


@transaction.atomic
def lift_restriction(request: DataRequest, *, by=None) -> None:
    lifted = ProcessingRestriction.objects.in_force().filter(request=request)
    if not lifted.update(lifted=timezone.now()):
        raise RequestError("No restriction from this request is in force.")
    _changed(request, Action.UNRESTRICTED, by)


# What every change does (`locked`, `close` and `enqueue_work` serve the export's task and
# the sweep too)


def locked(request: DataRequest) -> DataRequest:
    """The row locked for the rest of the transaction, so two staff cannot race."""
    return (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=request.pk)
    )


def _require_pending(request: DataRequest) -> None:
    if request.status == Status.AWAITING_CONFIRMATION:
        raise RequestError("The requester has not confirmed this request yet.")
    if request.status in DataRequest.CLOSED:
        raise RequestError(f"This request is already {request.get_status_display().lower()}.")


def close(request, status, outcome, by, action) -> None:
    request.status, request.outcome, request.closed = status, outcome, timezone.now()
    request.handler = by or request.handler
    request.save(update_fields=["status", "outcome", "closed", "handler"])
    _changed(request, action, by, outcome)


def enqueue_work(request: DataRequest) -> None:
    """Send the request's export or erasure to the workers, marking when (see `sweep`)."""
    request.enqueued = timezone.now()
    request.save(update_fields=["enqueued"])
    if request.kind == Kind.ERASURE:
        sends = [("privacy.erase_data", request.pk)]
    else:
        exports = request.exports.filter(ready__isnull=True).values_list("pk", flat=True)
        sends = [("privacy.build_data_export", export_id) for export_id in exports]
    for task, object_id in sends:
        enqueue(task, object_id)  # if the broker is down, the sweep sends it later


def assign(request: DataRequest, handler, *, by) -> None:
    """Give the request to a staff member (or to nobody), on its audit trail, which records who
    made the change; the requester is not emailed, since nothing changed for them, and the note
    stays empty because notes go into the requester's own export."""
    request.handler = handler
    request.save(update_fields=["handler"])
    _event(request, Action.ASSIGNED, by)


def _event(request, action, by=None, note="") -> RequestEvent:
    return RequestEvent.objects.create(request=request, action=action, actor=by, note=note)


def _changed(request, action, by=None, note="") -> None:
    _event(request, action, by, note)
    self_service = request.user is not None and by is None and request.kind in SELF_SERVICE
    if self_service and action in (Action.CONFIRMED, Action.STARTED):
        return  # the member pressed the button and sees the page; the result is emailed
    notify(request, action, note=note)
