"""The consent ledger and the wordings it proves (P2, P9)."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..policies.models import PolicyVersion


class ConsentText(models.Model):
    """The exact wording a person saw when they gave or withdrew consent, versioned (P9)."""

    key = models.SlugField(max_length=60, help_text="Where the wording is shown, e.g. signup-terms")
    version = models.PositiveIntegerField()
    wording = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="unique_consent_text_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class ConsentQuerySet(models.QuerySet):
    def current(self):
        """The newest row per person and purpose: the state in force. A row reduced by erasure
        or retention (no member, no address) is proof of the past, in force for nobody."""
        newer = Consent.objects.filter(purpose=OuterRef("purpose")).filter(
            Q(created__gt=OuterRef("created"))
            | Q(created=OuterRef("created"), id__gt=OuterRef("id"))
        )
        by_member = newer.filter(user=OuterRef("user"))
        by_address = newer.filter(user__isnull=True, email=OuterRef("email"))
        return self.filter(
            Q(~Exists(by_member), user__isnull=False)
            | Q(~Exists(by_address), ~Q(email=""), user__isnull=True)
        )


class Consent(models.Model):
    """The consent ledger: one row per grant or withdrawal, never updated (P2, P9).

    The current state of a purpose for a person is their newest row for that purpose.
    """

    class Source(models.TextChoices):
        SIGNUP = "signup", "Sign-up form"
        PREFERENCES = "preferences", "Preferences page"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribe link"
        DOUBLE_OPT_IN = "double-opt-in", "Double opt-in confirmation"
        POLICY_UPDATE = "policy-update", "Acceptance of an updated policy"
        STAFF = "staff", "Staff, on the member's written request"
        RESOURCE_FORM = "resource-form", "Sponsored resource form"
        EVENT_FORM = "event-form", "Event registration form"
        ERASURE = "erasure", "Erasure of the person's data"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    email = models.EmailField(blank=True, help_text="For visitors without an account.")
    # What erasure and retention leave of the address (privacy.registry.keyed_hash): the history
    # can still be proven to someone who knows the address (P18).
    email_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    purpose = models.CharField(max_length=60, db_index=True)
    granted = models.BooleanField()
    created = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["user", "purpose", "-created"]),
            models.Index(fields=["email", "purpose", "-created"]),
        ]

    def __str__(self) -> str:
        action = "granted" if self.granted else "withdrew"
        who = self.user or self.email or "An erased person"
        return f"{who} {action} {self.purpose} ({self.created:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The consent ledger is append-only: record a new row instead.")
        super().save(*args, **kwargs)
