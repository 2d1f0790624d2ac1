"""Cookie consent receipts, cookie lifetimes and aggregate visit counts (P5, P19-P22)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..consent.models import ConsentText


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
    banner_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["created"])]

    def __str__(self) -> str:
        return f"Cookie consent {self.consent_id} ({self.created:%Y-%m-%d %H:%M})"


class DailyVisitCount(models.Model):
    """Aggregate visit statistics (P5): page views per day by one dimension, identifying nobody."""

    class Dimension(models.TextChoices):
        PATH = "path", "Page"
        REFERRER = "referrer", "Referring site"
        BROWSER = "browser", "Browser family"
        LANGUAGE = "language", "Language"
        HOUR = "hour", "Hour of the day"

    day = models.DateField()
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=200)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "dimension", "-views"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value"], name="unique_daily_visit_count"
            )
        ]
        indexes = [models.Index(fields=["dimension", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: {self.views}"


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
