"""Erasure (P13): the task's work, once a member's request or staff started it
(`state.carry_out_erasure`)."""

from django.db import transaction
from django.utils import timezone

from .. import registry
from .models import DataRequest, RequestEvent
from .notices import notify

Status, Action = DataRequest.Status, RequestEvent.Action


def erase(request_id: int) -> None:
    """Every registered eraser and the request's completion in one transaction, so a worker
    killed half-way leaves nothing done and the rerun does it all."""
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
        notify(request, Action.ERASED, to=email)
