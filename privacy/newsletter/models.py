"""Newsletters and their deliveries (P9, P10)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from community.markdown import render_markdown
from community.validators import validate_single_line


class Newsletter(models.Model):
    """A newsletter written by staff and sent to those who consented (P9, P10)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=200, validators=[validate_single_line])
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    send_started = models.DateTimeField(null=True, blank=True, editable=False)
    send_finished = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class NewsletterDelivery(models.Model):
    """One recipient of one newsletter, created before anything is sent, so a resumed send
    never emails anyone twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        CLAIMED = "claimed", "Handed to the mail server (not confirmed)"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent: consent withdrawn before sending"
        FAILED = "failed", "Failed"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="newsletter_deliveries",
    )
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    updated = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "newsletter deliveries"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "email"], name="unique_newsletter_recipient"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status", "id"])]

    def __str__(self) -> str:
        return f"{self.newsletter} to {self.email}: {self.status}"
