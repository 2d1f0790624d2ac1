"""Data-subject requests (P12-P16): every change of state, for the site, the admin and tasks.

A request moves awaiting confirmation -> open -> in progress (-> waiting on the requester) ->
completed, refused or withdrawn. Each change writes a RequestEvent and emails the requester.
Work that must survive a crash (an export, an erasure) runs in a Celery task enqueued after
commit; `DataRequest.enqueued` marks it, and `sweep` re-sends work whose task was lost.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from community.celery import enqueue

from . import emails, registry
from .models import DataExport, DataRequest, ProcessingRestriction, RequestEvent, add_months

Kind, Status, Action = DataRequest.Kind, DataRequest.Status, RequestEvent.Action

PRIVACY_OFFICERS = "Privacy officers"
CONFIRM_SALT = "privacy.request-confirmation"
CONFIRM_MAX_AGE = timedelta(hours=24)
EXPORT_SALT = "privacy.data-export"
# Work sent to the broker this long ago and still not done is sent again by the sweep.
STALE_AFTER = timedelta(minutes=15)
DIGEST_DAYS = 7
SELF_SERVICE = (Kind.ACCESS, Kind.ERASURE)


class RequestError(Exception):
    """A change that the request's state or the rules do not allow; the message says why."""


# Making and confirming a request


def self_service_kinds() -> list[str]:
    """What a member's request needs no staff for: their erasure, and their copy unless staff
    produce copies by hand."""
    if settings.DATA_REQUESTS_SELF_SERVICE_EXPORT:
        return [Kind.ACCESS, Kind.ERASURE]
    return [Kind.ERASURE]


def check_limits(*, kind: str, user=None, requester_hash: str) -> None:
    """RequestError when one person asks for more than the rules allow: a member's full copy
    of their data once in DATA_REQUESTS_EXPORT_EVERY_HOURS, and at most
    DATA_REQUESTS_OPEN_PER_PERSON requests open for staff at a time, each with its own legal
    deadline (P15). Requests still awaiting their emailed confirmation do not count."""
    theirs = DataRequest.objects.filter(requester_hash=requester_hash)
    if user is not None and kind == Kind.ACCESS:
        hours = settings.DATA_REQUESTS_EXPORT_EVERY_HOURS
        since = timezone.now() - timedelta(hours=hours)
        if theirs.filter(user=user, kind=Kind.ACCESS, received__gt=since).exists():
            raise RequestError(
                f"You can ask for a copy of your data once every {hours} hours, and you asked "
                "for one recently: please use that copy, or ask again later."
            )
    if user is not None and kind in self_service_kinds():
        return
    limit = settings.DATA_REQUESTS_OPEN_PER_PERSON
    open_requests = theirs.pending().exclude(user__isnull=False, kind__in=self_service_kinds())
    if open_requests.count() >= limit:
        how_many = "1 request" if limit == 1 else f"{limit} requests"
        raise RequestError(
            f"You already have {how_many} open. We answer each within one month; you can make "
            f"another once one is answered, or write to our data protection officer at "
            f"{settings.DPO_EMAIL} to add to one."
        )


@transaction.atomic
def create(*, kind: str, user=None, email: str = "", details: str = "", keep_posts=None):
    """A member's request is confirmed at once (they are signed in); a visitor's waits for the
    link sent to their address (`confirmation_url`). RequestError past a member's limits."""
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


def send_confirmation(request_id: int) -> None:
    """Email a visitor the link that confirms their request, unless it is confirmed or gone."""
    request = DataRequest.objects.filter(pk=request_id, status=Status.AWAITING_CONFIRMATION).first()
    if request is None:
        return
    context = {"request": request, "confirm_url": emails.absolute_url(confirmation_url(request))}
    emails.build("request_confirm", request.email, context).send()


def confirmation_url(request: DataRequest) -> str:
    token = signing.dumps(request.pk, salt=CONFIRM_SALT)
    return reverse("privacy:request_confirm", args=[token])


def request_for_token(token: str) -> DataRequest:
    """The request a confirmation link was made for; RequestError if forged or expired."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise RequestError(
            "This confirmation link has expired: please make the request again."
        ) from None
    except signing.BadSignature:
        raise RequestError("This confirmation link is not valid.") from None
    request = DataRequest.objects.filter(pk=pk).first()
    if request is None:
        raise RequestError("This request no longer exists: please make it again.")
    return request


@transaction.atomic
def confirm(request: DataRequest, *, by=None) -> None:
    """Identity confirmed (the link clicked, the member signed in, or staff checked it)."""
    request = _locked(request)
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
    request = _locked(request)
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
    request = _locked(request)
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
    request = _locked(request)
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
    request = _locked(request)
    _require_pending(request)
    _close(request, Status.COMPLETED, outcome, by, Action.COMPLETED)


@transaction.atomic
def refuse(request: DataRequest, *, reason: str, by=None) -> None:
    request = _locked(request)
    if request.status in DataRequest.CLOSED:
        raise RequestError("This request is already closed.")
    if not reason.strip():
        raise RequestError("A refusal needs a reason: the requester is told it.")
    _close(request, Status.REFUSED, reason.strip(), by, Action.REFUSED)


@transaction.atomic
def withdraw(request: DataRequest) -> None:
    """The requester changed their mind."""
    request = _locked(request)
    if request.status not in (Status.OPEN, Status.WAITING):
        raise RequestError("Only a request that is not being worked on can be withdrawn.")
    _close(request, Status.WITHDRAWN, "", None, Action.WITHDRAWN)


# Access and portability (P12)


@transaction.atomic
def produce_export(request: DataRequest, *, by=None) -> DataExport:
    """Start building a ZIP of everything held about the requester; they get an email."""
    request = _locked(request)
    if request.kind != Kind.ACCESS:
        raise RequestError("Only an access request produces an export.")
    if request.status in (Status.OPEN, Status.WAITING):
        start(request, by=by)
    _require_pending(request)
    export = DataExport.objects.create(request=request, user=request.user)
    _enqueue(request)
    return export


def build_export(export_id: int) -> None:
    """The task's work: safe to run twice, and a rerun after a crash starts the file afresh."""
    from .exports import write_export  # the ZIP writer needs the registry, loaded at start-up

    export = DataExport.objects.select_related("request", "user").filter(pk=export_id).first()
    if export is None or export.ready:
        return
    request = export.request
    write_export(export, subject=export.user or request.email)
    with transaction.atomic():
        export.ready = timezone.now()
        export.save(update_fields=["file", "size", "ready"])
        request = _locked(request)
        request.enqueued = None
        request.save(update_fields=["enqueued"])
        RequestEvent.objects.create(request=request, action=Action.EXPORT_READY)
        if request.is_pending:
            _close(
                request, Status.COMPLETED, "A copy of your data was sent.", None, Action.COMPLETED
            )


def export_url(export: DataExport) -> str:
    return reverse("privacy:export_download", args=[signing.dumps(export.pk, salt=EXPORT_SALT)])


def export_for_token(token: str) -> DataExport | None:
    """The ready export a download link was made for, while the link lasts (72 hours)."""
    max_age = timedelta(days=settings.RETENTION_DATA_EXPORT_DAYS)
    try:
        pk = signing.loads(token, salt=EXPORT_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return DataExport.objects.filter(pk=pk, ready__isnull=False).first()


# Erasure (P13)


@transaction.atomic
def carry_out_erasure(request: DataRequest, *, by=None) -> None:
    request = _locked(request)
    if request.kind != Kind.ERASURE:
        raise RequestError("Only an erasure request erases data.")
    if request.status in (Status.OPEN, Status.WAITING):
        start(request, by=by)
    _require_pending(request)
    _enqueue(request)


def erase(request_id: int) -> None:
    """The task's work: every registered eraser and the request's completion in one
    transaction, so a worker killed half-way leaves nothing done and the rerun does it all."""
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status != Status.IN_PROGRESS:
            return
        email, subject = request.email, request.user or request.email
        registry.erase(subject, keep_posts=bool(request.keep_posts))
        request.refresh_from_db()  # the erasers reduced it
        request.status, request.closed, request.enqueued = Status.COMPLETED, timezone.now(), None
        request.outcome = "Erased." + (
            " Posts kept as a former member's." if request.keep_posts else ""
        )
        request.save(update_fields=["status", "closed", "enqueued", "outcome"])
        RequestEvent.objects.create(request=request, action=Action.ERASED)
        RequestEvent.objects.create(request=request, action=Action.COMPLETED)
        _notify(request, Action.ERASED, to=email)


# Restriction (P14)


@transaction.atomic
def restrict(request: DataRequest, *, by=None) -> ProcessingRestriction:
    request = _locked(request)
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


def is_restricted(user) -> bool:
    """True while the member asked that their data be used for nothing but keeping it."""
    return ProcessingRestriction.objects.in_force().filter(user=user).exists()


def unrestricted(queryset, user_field: str = "pk"):
    """`queryset` without the rows of members whose processing is restricted (one query)."""
    in_force = ProcessingRestriction.objects.in_force().filter(user=OuterRef(user_field))
    return queryset.filter(~Exists(in_force))


# Keeping requests moving


def sweep(now=None) -> int:
    """Re-send work whose task was lost (broker down, worker killed); returns how many."""
    stale = (now or timezone.now()) - STALE_AFTER
    resent = 0
    for request in DataRequest.objects.filter(status=Status.IN_PROGRESS, enqueued__lt=stale):
        with transaction.atomic():
            _enqueue(_locked(request))
        resent += 1
    return resent


def privacy_officers():
    return (
        get_user_model()
        .objects.filter(groups__name=PRIVACY_OFFICERS, is_active=True, is_staff=True)
        .exclude(email="")
    )


def send_digest(today: date | None = None) -> int:
    """Email privacy officers the requests due within 7 days or overdue; returns emails sent."""
    today = today or timezone.localdate()
    due = sorted(
        DataRequest.objects.due_by(today + timedelta(days=DIGEST_DAYS)),
        key=lambda r: r.effective_due_date,
    )
    if not due:
        return 0
    context = {
        "requests": [(r, r.days_left(today)) for r in due],
        "admin_url": emails.absolute_url(reverse("admin:privacy_datarequest_changelist")),
    }
    sent = 0
    for officer in privacy_officers():
        emails.build("request_digest", officer.email, {**context, "officer": officer}).send()
        sent += 1
    return sent


# Helpers


def _locked(request: DataRequest) -> DataRequest:
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


def _close(request, status, outcome, by, action) -> None:
    request.status, request.outcome, request.closed = status, outcome, timezone.now()
    request.handler = by or request.handler
    request.save(update_fields=["status", "outcome", "closed", "handler"])
    _changed(request, action, by, outcome)


def _enqueue(request: DataRequest) -> None:
    request.enqueued = timezone.now()
    request.save(update_fields=["enqueued"])
    if request.kind == Kind.ERASURE:
        sends = [("privacy.erase_data", request.pk)]
    else:
        exports = request.exports.filter(ready__isnull=True).values_list("pk", flat=True)
        sends = [("privacy.build_data_export", export_id) for export_id in exports]
    for task, object_id in sends:
        enqueue(task, object_id)  # if the broker is down, the sweep sends it later


def _event(request, action, by=None, note="") -> RequestEvent:
    return RequestEvent.objects.create(request=request, action=action, actor=by, note=note)


def _changed(request, action, by=None, note="") -> None:
    _event(request, action, by, note)
    self_service = request.user is not None and by is None and request.kind in SELF_SERVICE
    if self_service and action in (Action.CONFIRMED, Action.STARTED):
        return  # the member pressed the button and sees the page; the result is emailed
    _notify(request, action, note=note)


def _notify(request: DataRequest, action: str, to: str = "", note: str = "") -> None:
    """Service email to the requester on every change (P11), naming the DPO (P26)."""
    to = to or request.email
    if not to:
        return
    context = {
        "request": request,
        "action": action,
        "note": note,
        "my_data_url": emails.absolute_url(reverse("privacy:my_data")) if request.user else "",
        "export_url": "",
    }
    if action == Action.COMPLETED and request.kind == Kind.ACCESS:
        export = request.exports.filter(ready__isnull=False).first()
        if export:
            context["export_url"] = emails.absolute_url(export_url(export))
    transaction.on_commit(lambda: emails.build("request_update", to, context).send())
