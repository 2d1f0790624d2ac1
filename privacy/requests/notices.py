"""The service emails a requester receives (P11): the link that confirms a visitor's request,
and a word on every change, naming the data protection officer (P26)."""

from django.db import transaction
from django.urls import reverse

from .. import emails
from .links import confirmation_url, export_url
from .models import DataRequest, RequestEvent

Kind, Status, Action = DataRequest.Kind, DataRequest.Status, RequestEvent.Action


def send_confirmation(request_id: int) -> None:
    """Email a visitor the link that confirms their request, unless it is confirmed or gone."""
    request = DataRequest.objects.filter(pk=request_id, status=Status.AWAITING_CONFIRMATION).first()
    if request is None:
        return
    context = {"request": request, "confirm_url": emails.absolute_url(confirmation_url(request))}
    emails.build("request_confirm", request.email, context).send()


def notify(request: DataRequest, action: str, to: str = "", note: str = "") -> None:
    """Service email to the requester on every change (P11), naming the DPO (P26), sent once
    the change is committed."""
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
