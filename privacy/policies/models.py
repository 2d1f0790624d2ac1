"""Policy versions: the privacy policy, cookie policy and terms (P24, P25)."""

from django.db import models
from django.utils import timezone

from community.markdown import render_markdown


class PolicyQuerySet(models.QuerySet):
    def in_force(self, kind: str, on=None):
        """The version of `kind` in force on a date (today by default), or None."""
        on = on or timezone.localdate()
        return (
            self.filter(kind=kind, effective_date__lte=on).order_by("-effective_date", "-version")
        ).first()


class PolicyVersion(models.Model):
    """One version of the privacy policy, the cookie policy or the terms (P24, P25)."""

    PRIVACY = "privacy"
    COOKIES = "cookies"
    TERMS = "terms"
    KINDS = [(PRIVACY, "Privacy policy"), (COOKIES, "Cookie policy"), (TERMS, "Terms of service")]

    kind = models.CharField(max_length=20, choices=KINDS)
    version = models.PositiveIntegerField()
    effective_date = models.DateField(default=timezone.localdate)
    summary = models.TextField(
        blank=True, help_text="Markdown. A short plain-language summary shown before the details."
    )
    body = models.TextField(help_text="Markdown.")
    summary_html = models.TextField(editable=False, default="")
    body_html = models.TextField(editable=False, default="")
    material = models.BooleanField(
        default=False, help_text="A material change: members are told by email."
    )
    created = models.DateTimeField(auto_now_add=True)
    # Members are emailed in user-id order; the highest id already emailed (resumable).
    notified_up_to = models.PositiveBigIntegerField(default=0, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_policy_version")
        ]
        permissions = [("view_register", "Can see the register of processing")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.effective_date})"

    def save(self, *args, **kwargs):
        self.summary_html = render_markdown(self.summary)
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)
