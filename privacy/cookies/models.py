"""Cookie consent receipts and cookie lifetimes (P19-P22)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CookieConsentReceiptQuerySet(models.QuerySet):
    def out_of_force_before(self, cutoff):
        """Receipts kept long enough: replaced by a newer choice, or whose consent cookie ran
        out, before `cutoff` (the retention period is counted from then)."""
        cookie_age = timedelta(seconds=settings.COOKIE_CONSENT_MAX_AGE)
        return self.filter(
            Q(replaced_at__lt=cutoff) | Q(replaced_at__isnull=True, created__lt=cutoff - cookie_age)
        )


class CookieConsentReceipt(models.Model):
    """Proof of one cookie choice (P19, P21): who chose, what, when, after seeing which words.

    django-cookie-consent's own LogItem records no visitor, so it proves nothing. A browser keeps
    its `consent_id` in the consent cookie; every new choice from it writes a new receipt and
    marks the previous one replaced.
    """

    consent_id = models.UUIDField(db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cookie_consent_receipts",
    )
    accepted = models.JSONField(default=dict, help_text="Cookie group name: version accepted.")
    declined = models.JSONField(default=dict, help_text="Cookie group name: version declined.")
    banner_text = models.ForeignKey(
        "privacy.ConsentText", on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = CookieConsentReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["created"])]

    def __str__(self) -> str:
        return f"Cookie consent {self.consent_id} ({self.created:%Y-%m-%d %H:%M})"


class CookieLifetime(models.Model):
    """How long a declared cookie lives (P20): django-cookie-consent's Cookie has no such field."""

    cookie = models.OneToOneField(
        "cookie_consent.Cookie", on_delete=models.CASCADE, related_name="lifetime"
    )
    lifetime = models.CharField(
        max_length=100, help_text="For example “1 year” or “Until you close the browser”."
    )

    def __str__(self) -> str:
        return self.lifetime
