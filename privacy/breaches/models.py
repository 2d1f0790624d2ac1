"""The breach register (GDPR Art. 33-34): breaches, their audit trail, and the notice's
deliveries to the people affected."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from community.validators import validate_single_line

from ..audit import AuditEvent

# Art. 33(1): the supervisory authority is told within 72 hours of discovery.
AUTHORITY_DEADLINE = timedelta(hours=72)


class BreachQuerySet(models.QuerySet):
    def awaiting_authority(self):
        """Breaches whose notification to the authority is not yet decided: the clock runs."""
        return self.filter(authority_status=Breach.Authority.PENDING)

    def people_waiting(self):
        """Breaches whose affected people must be told, and have not been yet."""
        return self.filter(people_status=Breach.People.MUST_TELL, notice_started__isnull=True)


class Breach(models.Model):
    """A personal-data breach, documented as Art. 33(5) asks: the facts, the effects, the
    remedial action, and what the authority and the people affected were told. It names no
    affected person: the kinds of data and a rough count stand for them."""

    class Authority(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        NOTIFIED = "notified", "Notified"
        NOT_REQUIRED = "not-required", "Not notified: unlikely to result in a risk"

    class People(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        MUST_TELL = "must-tell", "Must be told (high risk)"
        NEED_NOT_TELL = "need-not-tell", "Need not be told"

    summary = models.CharField(
        "what happened, in a line", max_length=200, validators=[validate_single_line]
    )
    description = models.TextField("what happened", help_text="Facts only; name nobody.")
    discovered_at = models.DateTimeField("discovered", default=timezone.now)
    kinds = models.JSONField(
        "kinds of data affected", default=list, help_text="Declaration keys of the registry."
    )
    people_affected = models.PositiveIntegerField(
        "people affected (roughly)", null=True, blank=True
    )
    consequences = models.TextField("likely consequences", blank=True)
    measures = models.TextField("measures taken or proposed", blank=True)
    recorded = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    authority_status = models.CharField(
        "supervisory authority",
        max_length=15,
        choices=Authority.choices,
        default=Authority.PENDING,
        editable=False,
        db_index=True,
    )
    authority_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    authority_notification = models.TextField(
        "how the authority was notified (or why not)", blank=True, editable=False
    )
    delay_reason = models.TextField(
        "reasons for notifying after 72 hours", blank=True, editable=False
    )
    people_status = models.CharField(
        "people affected told",
        max_length=15,
        choices=People.choices,
        default=People.UNDECIDED,
        editable=False,
    )
    people_reason = models.TextField("why (not) tell them", blank=True, editable=False)
    notice_subject = models.CharField(
        "subject of the email to those affected",
        max_length=200,
        blank=True,
        validators=[validate_single_line],
    )
    notice_body = models.TextField(
        "the email to those affected",
        blank=True,
        help_text="Plain text: what happened, the likely consequences, what we did, what they "
        "can do, and the data protection officer's contact (Art. 34(2)).",
    )
    notice_started = models.DateTimeField(null=True, blank=True, editable=False)
    notice_finished = models.DateTimeField(null=True, blank=True, editable=False)

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = "personal-data breach"
        permissions = [("manage_breaches", "Can record and handle personal-data breaches")]

    def __str__(self) -> str:
        # No name or address: this lands in the admin log (P18).
        return f"Breach #{self.pk}: {self.summary}"

    @property
    def kind_keys(self) -> list[str]:
        """The declaration keys recorded as affected, whatever the JSON holds."""
        kinds = self.kinds if isinstance(self.kinds, list) else []
        return [key for key in kinds if isinstance(key, str)]

    @property
    def authority_deadline(self):
        return self.discovered_at + AUTHORITY_DEADLINE

    def hours_left(self, now=None) -> float:
        """Hours left to notify the authority (negative once overdue)."""
        return (self.authority_deadline - (now or timezone.now())).total_seconds() / 3600


class BreachEvent(AuditEvent):
    """The audit trail of a breach record: who did what, when (kept, P18). A change names the
    fields changed, never their values."""

    class Action(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        CHANGED = "changed", "Changed"
        AUTHORITY_NOTIFIED = "authority-notified", "Authority notified"
        AUTHORITY_NOT_REQUIRED = "authority-not-required", "Authority not to be notified"
        PEOPLE_DECIDED = "people-decided", "Decided whether to tell the people affected"
        NOTICE_STARTED = "notice-started", "Email to the people affected started"
        NOTICE_SENT = "notice-sent", "Email to the people affected sent"

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=25, choices=Action.choices)


class BreachDelivery(models.Model):
    """One affected member to be emailed about one breach, created before anything is sent,
    so a resumed send never emails anyone twice (privacy/batch_sending.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        CLAIMED = "claimed", "Handed to the mail server (not confirmed)"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent: account erased or deactivated before sending"
        FAILED = "failed", "Failed"

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="breach_deliveries"
    )
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    updated = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "breach notice deliveries"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "user"], name="one_breach_notice_per_member")
        ]
        indexes = [models.Index(fields=["breach", "status", "id"])]

    def __str__(self) -> str:
        return f"Breach #{self.breach_id} notice: {self.status}"
