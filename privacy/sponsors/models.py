"""Sponsors, sponsored resources, leads and disclosures (P8, P23)."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from community.markdown import render_markdown
from community.validators import validate_single_line

from ..consent.models import Consent

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


# What a resource's file may be, recognised by its content (never by its name, which the
# uploader chooses): PDF, office documents old and new, and web video.
RESOURCE_FILE_TYPES = {
    "pdf",
    *("doc", "docx", "odt"),
    *("xls", "xlsx", "ods"),
    *("ppt", "pptx", "odp"),
    *("mp4", "webm"),
}


def validate_resource_file(file) -> None:
    """An uploaded resource file is no larger than SPONSORED_RESOURCE_MAX_UPLOAD_MB and its
    content is one of RESOURCE_FILE_TYPES: what we give visitors must be what it says."""
    limit = settings.SPONSORED_RESOURCE_MAX_UPLOAD_MB
    if file.size > limit * 1024 * 1024:
        raise ValidationError(
            f"This file is {filesizeformat(file.size)}: a resource's file can be at most "
            f"{limit} MB."
        )
    file.seek(0)
    kind = filetype.guess(file.read(8192))  # the signatures filetype knows sit in the head
    file.seek(0)
    if kind is None or kind.extension not in RESOURCE_FILE_TYPES:
        raise ValidationError(
            "This file is not a PDF, an office document (Word, Excel, PowerPoint or "
            "OpenDocument) or a video (MP4 or WebM), whatever its name says. Upload one of those."
        )


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
    # Private: in the default storage (files or a bucket, STORAGE_URL), served only through a
    # signed, expiring link.
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
        """Annotate `consented`: the lead may go to its sponsor now (P8, P23).

        Only the grant given with the lead itself counts: the address on a form is never
        verified, so a grant typed under someone's address must not reach that person's other
        leads. Any later "no" for the sponsor from the same person (their account, a form with
        the same address, or the account holding that address) stops it.
        """
        newer = Q(created__gt=OuterRef("consent__created")) | Q(
            created=OuterRef("consent__created"), id__gt=OuterRef("consent_id")
        )
        same_person = (
            Q(user=OuterRef("user"))
            | Q(user__isnull=True, email=OuterRef("email"))
            | Q(user__email__iexact=OuterRef("email"))
        )
        withdrawn = Consent.objects.filter(
            newer, same_person, purpose=OuterRef("consent__purpose"), granted=False
        )
        return self.annotate(
            consented=ExpressionWrapper(
                Q(consent__isnull=False, consent__granted=True) & ~Exists(withdrawn),
                output_field=models.BooleanField(),
            )
        )

    def consenting(self, sponsor):
        """The sponsor's leads whose own consent is in force now."""
        return self.filter(resource__sponsor=sponsor).with_consent().filter(consented=True)

    def of_person(self, user):
        """A member's leads: those made signed in, and those made with their account's address."""
        return self.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))


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
    # The ledger row of the choice made on the form: the only grant this lead can go on.
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

    class Meta:
        ordering = ["-disclosure__created", "-id"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"Disclosed lead {self.pk}"
