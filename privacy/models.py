from django.conf import settings
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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    email = models.EmailField(blank=True, help_text="For visitors without an account.")
    purpose = models.CharField(max_length=60, db_index=True)
    granted = models.BooleanField()
    created = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-created"])]

    def __str__(self) -> str:
        action = "granted" if self.granted else "withdrew"
        return f"{self.user or self.email} {action} {self.purpose} ({self.created:%Y-%m-%d})"


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
