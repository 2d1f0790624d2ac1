"""The signed links a requester is emailed: the one that confirms a visitor's request, and the
one that downloads an export (P12). Neither holds more than the record's number."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .errors import RequestError
from .models import DataExport, DataRequest

CONFIRM_SALT = "privacy.request-confirmation"
CONFIRM_MAX_AGE = timedelta(hours=24)
EXPORT_SALT = "privacy.data-export"


def confirmation_url(request: DataRequest) -> str:
    token = signing.dumps(request.pk, salt=CONFIRM_SALT)
    return reverse("privacy:request_confirm", args=[token])


def request_to_confirm(token: str) -> DataRequest:
    """The request a confirmation link was made for, while it awaits confirmation; RequestError
    if the link is forged or expired, or the request gone or already confirmed (a link works
    once)."""
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
    if request.status != DataRequest.Status.AWAITING_CONFIRMATION:
        raise RequestError("This request is already confirmed: the link works once.")
    return request


def export_url(export: DataExport) -> str:
    return reverse("privacy:export_download", args=[signing.dumps(export.pk, salt=EXPORT_SALT)])


def export_for_token(token: str) -> DataExport | None:
    """The ready export a download link was made for, while the link lasts
    (RETENTION_DATA_EXPORT_DAYS, as long as the export itself)."""
    max_age = timedelta(days=settings.RETENTION_DATA_EXPORT_DAYS)
    try:
        pk = signing.loads(token, salt=EXPORT_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return DataExport.objects.filter(pk=pk, ready__isnull=False).first()
