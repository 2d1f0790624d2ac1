"""Sponsored resources (P8, P23): signing up for a resource, the sponsor's consent, the signed
download link, exporting leads to a sponsor and the record of every such disclosure.

Passing someone's details to a sponsor needs their consent to that sponsor alone: a ledger row
with purpose ``sponsor:<id>`` and the exact wording, which names the sponsor. The resource is
given whatever they choose. A grant counts only for the lead it was given with (the address
typed on the form is not verified, so it proves nothing about that person's other leads), and
a later "no" from the same person stops every earlier lead from being sent.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import consent
from ..models import (
    Consent,
    ConsentText,
    DisclosedLead,
    Disclosure,
    Lead,
    Resource,
    Sponsor,
)

# The wordings shown, each naming the sponsor: asking on the form, and withdrawing.
WORDINGS = {
    "": (
        "Pass the details above to {sponsor}, and to nobody else, so that {sponsor} can contact "
        "me about its products and services. I can withdraw this at any time."
    ),
    "-withdraw": "Stop passing my details to {sponsor}.",
}
ACCESS_SALT = "privacy.sponsored-resource"

# The columns a sponsor receives, in order: (Lead field, heading).
LEAD_FIELDS = [
    ("name", "Name"),
    ("company", "Company"),
    ("job_title", "Job title"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("agents", "Number of agents"),
]


def purpose(sponsor: Sponsor) -> str:
    return consent.sponsor_purpose(sponsor.pk)


def consent_text(sponsor: Sponsor, action: str = "") -> ConsentText:
    """The wording that names this sponsor (`action` "-withdraw" for withdrawing); a new
    version whenever the wording, or the sponsor's name, changes."""
    key = f"sponsor-{sponsor.pk}{action}"
    return consent.text_reading(key, WORDINGS[action].format(sponsor=sponsor.name))


def allowed_by(user) -> list[Sponsor]:
    """The sponsors that would receive a member's details now: each has a lead of theirs (made
    signed in, or with their account's address) whose consent is in force."""
    leads = Lead.objects.of_person(user).with_consent().filter(consented=True)
    return list(Sponsor.objects.filter(resources__leads__in=leads).distinct())


def withdraw(sponsor: Sponsor, user) -> bool:
    """A member stops us passing their details to a sponsor (P14); False if they had not
    allowed it. Details already sent stay with the sponsor: its privacy notice says how to
    ask it to delete them."""
    if sponsor not in allowed_by(user):
        return False
    consent.record(
        purpose=purpose(sponsor),
        granted=False,
        source=Consent.Source.PREFERENCES,
        text=consent_text(sponsor, "-withdraw"),
        user=user,
    )
    return True


@transaction.atomic
def sign_up(
    resource: Resource,
    *,
    user,
    details: dict,
    answers: list[dict],
    consented: bool,
    text: ConsentText,
) -> Lead:
    """Record the form: the lead and the consent choice, whichever it is (both are proof)."""
    email = consent.normalise_email(details["email"])
    choice = consent.record(
        purpose=purpose(resource.sponsor),
        granted=consented,
        source=Consent.Source.RESOURCE_FORM,
        text=text,
        user=user,
        email=email,
    )
    return Lead.objects.create(
        resource=resource,
        user=user,
        answers=answers,
        consent=choice,
        **{**details, "email": email},
    )


def access_token(resource: Resource) -> str:
    """The signed, time-stamped key to a resource, given once its form is filled in."""
    return signing.dumps({"resource": resource.pk}, salt=ACCESS_SALT)


def read_access_token(token: str, resource: Resource) -> bool:
    """True when the token was made for this resource and has not expired."""
    max_age = timedelta(hours=settings.SPONSORED_RESOURCE_LINK_HOURS)
    try:
        data = signing.loads(token, salt=ACCESS_SALT, max_age=max_age)
    except signing.BadSignature:  # tampered or expired (SignatureExpired is a subclass)
        return False
    return isinstance(data, dict) and data.get("resource") == resource.pk


def lead_row(lead: Lead, questions: list[str]) -> tuple[list[str], list[str]]:
    """A lead's CSV cells under `questions`, and the names of the fields it discloses.

    A question the person was not asked stays empty and is not counted as disclosed. Cells are
    the values as given: the admin's one CSV writer (privacy.csv_export) neutralises them.
    """
    row = [lead.resource.title, timezone.localtime(lead.created).strftime("%Y-%m-%d %H:%M")]
    disclosed = []
    for field, heading in LEAD_FIELDS:
        value = lead.get_agents_display() if field == "agents" else getattr(lead, field)
        row.append(value)
        if value:
            disclosed.append(heading)
    answered = {a["question"]: a["answer"] for a in lead.answers}
    for question in questions:
        row.append(answered.get(question, ""))
        if question in answered:
            disclosed.append(question)
    return row, disclosed


@transaction.atomic
def export_leads(sponsor: Sponsor, *, by, only_new: bool = False) -> tuple[Disclosure, list]:
    """The CSV rows of the sponsor's leads from people who consent now, and the record of
    this disclosure (every export is its own record, P8).

    `only_new` leaves out leads already sent to this sponsor.
    """
    leads = Lead.objects.consenting(sponsor).select_related("resource", "consent")
    if only_new:
        sent = DisclosedLead.objects.filter(disclosure__sponsor=sponsor, lead__isnull=False)
        leads = leads.exclude(pk__in=sent.values("lead"))
    leads = list(leads.order_by("created", "id"))
    questions = list(dict.fromkeys(a["question"] for lead in leads for a in lead.answers))
    disclosure = Disclosure.objects.create(sponsor=sponsor, disclosed_by=by, people=len(leads))
    headings = [heading for _, heading in LEAD_FIELDS]
    # The sponsor can quote the ledger row each person's details went on (P8).
    rows = [["Resource", "Signed up", *headings, *questions, "Consent record", "Consent given"]]
    records = []
    for lead in leads:
        row, disclosed = lead_row(lead, questions)
        given = timezone.localtime(lead.consent.created).strftime("%Y-%m-%d %H:%M")
        rows.append([*row, str(lead.consent_id), given])
        records.append(
            DisclosedLead(
                disclosure=disclosure,
                lead=lead,
                user_id=lead.user_id,
                email=lead.email,
                consent=lead.consent,  # the grant given with this lead, the only one it goes on
                fields=disclosed,
            )
        )
    DisclosedLead.objects.bulk_create(records, batch_size=1000)
    return disclosure, rows


def disclosures_of(user) -> list[DisclosedLead]:
    """Which sponsors received a member's details, when, which of them and on which consent
    (P8)."""
    return list(
        DisclosedLead.objects.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
        .select_related("disclosure__sponsor", "consent")
        .order_by("-disclosure__created", "-id")
    )


def sponsors_to_contact(user) -> list[Sponsor]:
    """The sponsors that received a member's details: erasing them here does not reach those
    copies, so the member contacts each sponsor, through its privacy notice."""
    received = DisclosedLead.objects.filter(
        Q(user=user) | Q(user__isnull=True, email__iexact=user.email)
    )
    return list(Sponsor.objects.filter(disclosures__leads__in=received).distinct())
