"""What one person may ask for, and how often (P12, P15)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .errors import RequestError
from .models import DataRequest

Kind = DataRequest.Kind


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


def export_in_progress(requests) -> bool:
    """One copy at a time (P12): whether one of a member's requests is a copy of their data
    still being prepared. It takes the requests, which a page may already have loaded."""
    return any(r.kind == Kind.ACCESS and r.is_pending for r in requests)
