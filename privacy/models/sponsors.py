"""Sponsors, sponsored resources, leads and disclosures (P8, P23)."""

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
from community.validators import validate_single_line

from .consent import Consent

# Sponsored resources (P8, P23)


class Sponsor(models.Model):
    """An external company whose reports, white papers and webinars are offered to members."""

    name = models.CharField(max_length=120, unique=True, validators=[validate_single_line])
    contact_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Who receives leads.",
        validators=[validate_single_line],
    )
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
    title = models.CharField(max_length=200, validators=[validate_single_line])
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
        from privacy.consent import sponsor_purpose

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
