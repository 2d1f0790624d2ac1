import calendar
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
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
        """The newest row per person and purpose: the state in force."""
        newer = Consent.objects.filter(purpose=OuterRef("purpose")).filter(
            Q(created__gt=OuterRef("created"))
            | Q(created=OuterRef("created"), id__gt=OuterRef("id"))
        )
        by_member = newer.filter(user=OuterRef("user"))
        by_address = newer.filter(user__isnull=True, email=OuterRef("email"))
        return self.filter(
            Q(~Exists(by_member), user__isnull=False) | Q(~Exists(by_address), user__isnull=True)
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

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["user", "purpose", "-created"]),
            models.Index(fields=["email", "purpose", "-created"]),
        ]

    def __str__(self) -> str:
        action = "granted" if self.granted else "withdrew"
        return f"{self.user or self.email} {action} {self.purpose} ({self.created:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The consent ledger is append-only: record a new row instead.")
        super().save(*args, **kwargs)


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


class Newsletter(models.Model):
    """A newsletter written by staff and sent to those who consented (P9, P10)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=200)
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
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "email"], name="unique_newsletter_recipient"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status", "id"])]

    def __str__(self) -> str:
        return f"{self.newsletter} to {self.email}: {self.status}"


# Data-subject requests (P12-P16, P18): privacy/requests.py holds the rules that change them.


def add_months(day, months: int):
    """The same day `months` calendar months later (the last day of a shorter month)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


class DataRequestQuerySet(models.QuerySet):
    def confirmed(self):
        return self.exclude(status=DataRequest.Status.AWAITING_CONFIRMATION)

    def pending(self):
        """Requests still to be answered: the ones with a due date that matters."""
        return self.filter(status__in=DataRequest.PENDING)

    def due_by(self, day):
        """Pending requests due on or before `day` (overdue ones included)."""
        return self.pending().filter(
            Q(extended_due_date__isnull=True, due_date__lte=day) | Q(extended_due_date__lte=day)
        )

    def with_people(self):
        return self.select_related("user", "handler")


class DataRequest(models.Model):
    """A data-subject request from a member, or from a visitor who proved their address."""

    class Kind(models.TextChoices):
        ACCESS = "access", "A copy of my data (access and portability)"
        ERASURE = "erasure", "Erase my data"
        RECTIFICATION = "rectification", "Correct my data"
        RESTRICTION = "restriction", "Restrict the use of my data"
        OBJECTION = "objection", "Object to the use of my data"
        WITHDRAW_CONSENT = "withdraw-consent", "Withdraw my consent"

    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting-confirmation", "Awaiting email confirmation"
        OPEN = "open", "Open"
        IN_PROGRESS = "in-progress", "In progress"
        WAITING = "waiting", "Waiting on the requester"
        COMPLETED = "completed", "Completed"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    PENDING = [Status.OPEN, Status.IN_PROGRESS, Status.WAITING]
    CLOSED = [Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN]

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
        help_text="The member who asked; empty for a visitor (and after erasure).",
    )
    email = models.EmailField(blank=True, help_text="Where updates go; emptied on erasure.")
    # What stays after erasure to show the request was handled (P18): a keyed hash of the
    # address, which proves nothing to anyone who does not already know the address.
    requester_hash = models.CharField(max_length=64, editable=False, db_index=True)
    details = models.TextField("what they asked", blank=True, max_length=5000)
    keep_posts = models.BooleanField(
        null=True, blank=True, help_text="Erasure: keep posts as a former member's."
    )
    received = models.DateTimeField(default=timezone.now)
    confirmed = models.DateTimeField("identity confirmed", null=True, blank=True)
    status = models.CharField(
        max_length=25, choices=Status.choices, default=Status.AWAITING_CONFIRMATION, db_index=True
    )
    due_date = models.DateField()
    extended_due_date = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extension_notified = models.DateTimeField("requester told of extension", null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True},
    )
    outcome = models.TextField(blank=True)
    closed = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the export or erasure task was last sent to the broker; the sweep resends stale ones.
    enqueued = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["status", "received"]),  # the unconfirmed-requests rule
        ]
        verbose_name = "data request"

    def __str__(self) -> str:
        # No name or address: this lands in the admin log (P18).
        return f"{self.get_kind_display()} (request #{self.pk})"

    @property
    def effective_due_date(self):
        return self.extended_due_date or self.due_date

    @property
    def latest_extension_date(self):
        """P15: one month plus at most two more."""
        return add_months(timezone.localtime(self.received).date(), 3)

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    def days_left(self, today=None) -> int:
        return (self.effective_due_date - (today or timezone.localdate())).days


class RequestEvent(models.Model):
    """The audit trail of a data request: who did what, when (kept on erasure, P18)."""

    class Action(models.TextChoices):
        CREATED = "created", "Request made"
        CONFIRMED = "confirmed", "Identity confirmed"
        STARTED = "started", "Work started"
        WAITING = "waiting", "Waiting on the requester"
        EXTENDED = "extended", "Deadline extended"
        EXPORT_READY = "export-ready", "Export ready"
        ERASED = "erased", "Data erased"
        RESTRICTED = "restricted", "Processing restricted"
        UNRESTRICTED = "unrestricted", "Restriction lifted"
        COMPLETED = "completed", "Completed"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn by the requester"

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    created = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member; empty for the requester or the system.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created:%Y-%m-%d %H:%M})"


def _export_storage():
    from django.core.files.storage import storages

    return storages["exports"]


class DataExport(models.Model):
    """A ZIP of everything held about a requester (P12), kept for 72 hours in private storage."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="exports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="data_exports",
        help_text="The only member it is served to; empty for a visitor's export.",
    )
    file = models.FileField(storage=_export_storage, upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    ready = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Export for request #{self.request_id}"


@receiver(post_delete, sender=DataExport)
def _delete_export_file(sender, instance, **kwargs):
    """The file goes with its row, however the row goes (retention, erasure, admin), once the
    deletion is committed."""
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


class ProcessingRestrictionQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(lifted__isnull=True)


class ProcessingRestriction(models.Model):
    """While in force, the member's data is not used for newsletters or notifications (P14)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="processing_restrictions"
    )
    request = models.ForeignKey(
        DataRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="restrictions"
    )
    started = models.DateTimeField(default=timezone.now)
    lifted = models.DateTimeField(null=True, blank=True)

    objects = ProcessingRestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-started"]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(lifted__isnull=True), name="restriction_in_force"
            ),
            models.Index(fields=["lifted"]),  # the lifted-restrictions retention rule
        ]

    def __str__(self) -> str:
        return f"Processing restriction #{self.pk}"


# Sponsored resources (P8, P23)


class Sponsor(models.Model):
    """An external company whose reports, white papers and webinars are offered to members."""

    name = models.CharField(max_length=120, unique=True)
    contact_name = models.CharField(max_length=120, blank=True, help_text="Who receives leads.")
    contact_email = models.EmailField(blank=True)
    privacy_notice_url = models.URLField(
        "privacy notice URL", help_text="Shown to people who let us pass their details on."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [("export_leads", "Can export a sponsor's leads (a disclosure)")]

    def __str__(self) -> str:
        return self.name


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True).select_related("sponsor")


class Resource(models.Model):
    """A sponsored report, white paper or webinar, given to whoever fills in its form."""

    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        WHITE_PAPER = "white-paper", "White paper"
        WEBINAR = "webinar", "Webinar"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="Markdown.")
    summary_html = models.TextField(editable=False, default="")
    # Private: stored under MEDIA_ROOT and served only through a signed, expiring link.
    file = models.FileField(upload_to="resources/", blank=True, help_text="Reports and papers.")
    starts = models.DateTimeField("webinar date", null=True, blank=True)
    joining_details = models.TextField(
        blank=True, help_text="Webinars: link and passcode, shown only after the form."
    )
    published = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.summary_html = render_markdown(self.summary)
        # The stored file an upload is replacing, if any: nothing else refers to it.
        old_file = (
            Resource.objects.filter(pk=self.pk)
            .exclude(file=self.file.name or "")
            .values_list("file", flat=True)
            .first()
        )
        super().save(*args, **kwargs)
        if old_file:
            storage = self.file.storage
            transaction.on_commit(lambda: storage.delete(old_file))

    def get_absolute_url(self) -> str:
        return reverse("resources:detail", args=[self.slug])

    @property
    def is_webinar(self) -> bool:
        return self.kind == self.Kind.WEBINAR

    def clean(self):
        if self.is_webinar and not (self.starts and self.joining_details):
            raise ValidationError("A webinar needs its date and joining details.")
        if not self.is_webinar and not self.file:
            raise ValidationError({"file": "A report or white paper needs its file."})


@receiver(post_delete, sender=Resource)
def _delete_resource_file(sender, instance, **kwargs):
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


class SponsorQuestion(models.Model):
    """A question the sponsor adds to a resource's form."""

    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        CHOICE = "choice", "Choice"
        YES_NO = "yes-no", "Yes or no"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    options = models.TextField(blank=True, help_text="Choice questions: one option per line.")
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.option_list) < 2:
            raise ValidationError({"options": "A choice question needs at least two options."})


class LeadQuerySet(models.QuerySet):
    def with_consent(self):
        """Annotate `consented`: the person's newest choice for the lead's sponsor is a yes.

        Members are known by account, visitors by email address (P8, P23).
        """
        from .consent import sponsor_purpose

        granted = Consent.objects.current().filter(
            granted=True,
            purpose=Concat(
                Value(sponsor_purpose("")),
                Cast(OuterRef("resource__sponsor_id"), models.CharField()),
            ),
        )
        return self.alias(
            _member=Exists(granted.filter(user=OuterRef("user"))),
            _visitor=Exists(granted.filter(user__isnull=True, email=OuterRef("email"))),
        ).annotate(
            consented=ExpressionWrapper(
                Q(user__isnull=False, _member=True) | Q(user__isnull=True, _visitor=True),
                output_field=models.BooleanField(),
            )
        )

    def consenting(self, sponsor):
        """The sponsor's leads from people who let us pass their details to it now."""
        return self.filter(resource__sponsor=sponsor).with_consent().filter(consented=True)


class Lead(models.Model):
    """Someone who filled in a resource's form: what they were asked and what they answered."""

    AGENTS = [
        ("1-10", "1 to 10"),
        ("11-50", "11 to 50"),
        ("51-250", "51 to 250"),
        ("251-1000", "251 to 1,000"),
        ("1000+", "More than 1,000"),
    ]

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="leads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsor_leads",
    )
    name = models.CharField(max_length=120)
    company = models.CharField(max_length=120, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField()
    agents = models.CharField("number of agents", max_length=10, choices=AGENTS, blank=True)
    # [{"question": text, "answer": text}, ...]: the sponsor's questions as they were asked.
    answers = models.JSONField(default=list, blank=True)
    # The ledger row of the choice made on the form; the newest row for the sponsor governs.
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.name} for {self.resource}"


class Disclosure(models.Model):
    """One export of a sponsor's leads: personal data leaving the site (P8)."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="disclosures")
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        people = "1 person" if self.people == 1 else f"{self.people} people"
        return f"{people} to {self.sponsor} ({self.created:%Y-%m-%d %H:%M})"


class DisclosedLeadQuerySet(models.QuerySet):
    def of_member(self, user):
        return self.filter(user=user).select_related("disclosure__sponsor", "lead__resource")


class DisclosedLead(models.Model):
    """One person in one disclosure: which of their fields went, on which consent.

    Erasure and retention keep the row reduced (P18): the link to the person goes, what was
    disclosed to whom, when and on which consent stays.
    """

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="leads")
    lead = models.ForeignKey(Lead, null=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True)
    consent = models.ForeignKey(Consent, null=True, on_delete=models.SET_NULL, related_name="+")
    fields = models.JSONField(default=list, help_text="The names of the fields disclosed.")

    objects = DisclosedLeadQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosure__created", "-id"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"Disclosed lead {self.pk}"


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
        indexes = [models.Index(fields=["published_at"])]  # the published-feedback rule

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


class RetentionRun(models.Model):
    """What one retention rule did in one run of the retention job (P17): figures and times,
    never the personal data itself (an error is recorded by its type; details go to the log)."""

    rule = models.CharField(max_length=60, db_index=True)
    as_of = models.DateTimeField(help_text="The moment whose expired data the run removed.")
    matched = models.PositiveBigIntegerField(
        default=0, help_text="Rows past their retention period when the rule started."
    )
    changed = models.PositiveBigIntegerField(default=0, help_text="Rows deleted or cleared.")
    warned = models.PositiveIntegerField(
        default=0, help_text="Members emailed that their account is about to be erased."
    )
    started = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started", "-id"]

    def __str__(self) -> str:
        return f"{self.rule} at {self.started:%Y-%m-%d %H:%M}"


class RetentionWarning(models.Model):
    """A member told by email that their account will be erased for inactivity (P17). It stands
    until they sign in again; the job erases them once it has stood long enough."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retention_warnings"
    )
    rule = models.CharField(max_length=60)
    sent = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "rule"], name="one_retention_warning_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.rule} warning to {self.user} on {self.sent:%Y-%m-%d}"


class JobLock(models.Model):
    """A lease that keeps two runs of a periodic job from overlapping, on any database.

    It expires by itself, so a worker killed mid-run blocks the next run for at most `ttl`; a
    long run renews it as it goes.
    """

    name = models.CharField(max_length=60, primary_key=True)
    token = models.CharField(max_length=32, blank=True)
    expires = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} until {self.expires:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def acquire(cls, name: str, ttl: timedelta) -> str | None:
        """A token proving the lease is ours, or None while another holder's has not expired."""
        now = timezone.now()
        cls.objects.get_or_create(name=name, defaults={"expires": now})
        token = secrets.token_hex(16)
        # One conditional UPDATE: of two concurrent callers only one can match an expired lease.
        taken = cls.objects.filter(name=name, expires__lte=now).update(
            token=token, expires=now + ttl
        )
        return token if taken else None

    @classmethod
    def renew(cls, name: str, token: str, ttl: timedelta) -> bool:
        """Extend our lease; False if it expired and someone else took it."""
        return bool(cls.objects.filter(name=name, token=token).update(expires=timezone.now() + ttl))

    @classmethod
    def release(cls, name: str, token: str) -> None:
        cls.objects.filter(name=name, token=token).update(token="", expires=timezone.now())
