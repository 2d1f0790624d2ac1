"""Feedback and its publication (P16)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# Feedback (P16)


class FeedbackQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False).order_by("-published_at")


class Feedback(models.Model):
    """Feedback or a support request from a member or a visitor, handled by staff."""

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", "Feedback"
        SUPPORT = "support", "Support request"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in-progress", "In progress"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEEDBACK)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True, help_text="Where to answer; a member's account email.")
    message = models.TextField(max_length=5000)
    created = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    staff_notes = models.TextField(blank=True, help_text="Internal; never published.")
    # Publication (P16): an edited, anonymised text, emailed to the sender before it appears.
    for_publication = models.BooleanField(
        default=False, help_text="Publish the edited text below at /feedback/published/."
    )
    published_text = models.TextField(
        blank=True, help_text="Edited and anonymised: no names, companies or contact details."
    )
    sender_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["published_at"]),  # the published-feedback rule
            models.Index(  # the open-feedback rule
                fields=["created"], condition=models.Q(closed_at__isnull=True), name="feedback_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.created:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.status == self.Status.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != self.Status.CLOSED:
            self.closed_at = None
        super().save(*args, **kwargs)

    @property
    def reply_to(self) -> str:
        return self.email or (self.user.email if self.user else "")

    def clean(self):
        if self.for_publication and not self.published_text.strip():
            raise ValidationError({"published_text": "Write the text to publish."})
