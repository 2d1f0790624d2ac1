"""Data-subject requests, their audit trail, exports and restrictions (P12-P16, P18)."""

import calendar
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from ..audit import AuditEvent

# Data-subject requests (P12-P16, P18): privacy/requests/state.py holds the rules that change them.


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

    def due_within(self, days: int, today=None):
        """Pending requests due in the next `days` days (counted from `today`, by default the
        local date), overdue ones included; an extension's date replaces the first one."""
        day = (today or timezone.localdate()) + timedelta(days=days)
        return self.pending().filter(
            Q(extended_due_date__isnull=True, due_date__lte=day) | Q(extended_due_date__lte=day)
        )

    def overdue(self, today=None):
        """Pending requests whose due date has passed."""
        return self.due_within(-1, today)


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

    class RefusalCategory(models.TextChoices):
        """Why a request was refused, in categories the transparency report counts."""

        UNFOUNDED = "unfounded", "Manifestly unfounded or excessive (Art. 12(5))"
        IDENTITY = "identity", "Identity could not be confirmed (Art. 12(6))"
        OTHERS = "rights-of-others", "Would adversely affect the rights of others (Art. 15(4))"
        EXEMPTION = "exemption", "A legal exemption applies (e.g. Art. 17(3))"
        OTHER = "other", "Other"

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
    refusal_category = models.CharField(max_length=20, choices=RefusalCategory.choices, blank=True)
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


class RequestEvent(AuditEvent):
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
        ASSIGNED = "assigned", "Handler changed"

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)


def _export_storage():
    """The private storage of exports (settings.STORAGES["exports"]), looked up when used."""
    return storages["exports"]


class DataExportQuerySet(models.QuerySet):
    def downloadable(self):
        """Ready, and younger than RETENTION_DATA_EXPORT_DAYS, after which retention deletes
        them and their download links expire."""
        fresh = timezone.now() - timedelta(days=settings.RETENTION_DATA_EXPORT_DAYS)
        return self.filter(ready__isnull=False, created__gte=fresh)


class DataExport(models.Model):
    """A ZIP of everything held about a requester (P12), kept in private storage for
    RETENTION_DATA_EXPORT_DAYS days (the retention rule "data-exports")."""

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

    objects = DataExportQuerySet.as_manager()

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
