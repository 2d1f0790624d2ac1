"""What every audit trail of the privacy app records (P18): when, who, and a note. Each trail
adds what its entries are about and its own list of actions; a change names the fields changed,
never their values."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    created = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member; empty when the site or the person concerned acted.",
    )
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created:%Y-%m-%d %H:%M})"
