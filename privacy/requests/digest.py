"""The privacy officers' digest of the requests due soon or overdue (P15)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from .. import emails
from .models import DataRequest

PRIVACY_OFFICERS = "Privacy officers"
DIGEST_DAYS = 7


def privacy_officers():
    return (
        get_user_model()
        .objects.filter(groups__name=PRIVACY_OFFICERS, is_active=True, is_staff=True)
        .exclude(email="")
    )


def send_digest(today: date | None = None) -> int:
    """Email privacy officers the requests due within DIGEST_DAYS days or overdue; returns
    how many emails were sent."""
    today = today or timezone.localdate()
    due = sorted(
        DataRequest.objects.due_within(DIGEST_DAYS, today),
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
