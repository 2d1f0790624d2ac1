"""Proof of consent: the only way the rest of the code reads or writes consent (P2, P9).

The ledger (`privacy.models.Consent`) is append-only: a grant or a withdrawal is a new row with
the exact wording shown (a versioned `ConsentText`), the source and, where relevant, the policy
version. The current state of a purpose for a person is their newest row. Visitors are known
by their email address, stored in lower case.
"""

from django.db.models import QuerySet

from .models import Consent, ConsentText, PolicyVersion

TERMS = "terms"
PRIVACY_POLICY = "privacy_policy"
NEWSLETTER = "newsletter"


def sponsor_purpose(slug: str) -> str:
    """The purpose of passing one's details to one named sponsor (P8, P23)."""
    return f"sponsor:{slug}"


def current_text(key: str) -> ConsentText:
    """The newest wording for a place where consent is asked."""
    return ConsentText.objects.filter(key=key).order_by("-version").first()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def record(
    *,
    purpose: str,
    granted: bool,
    source: str,
    text: ConsentText,
    user=None,
    email: str = "",
    policy: PolicyVersion | None = None,
) -> Consent:
    """Append a grant or a withdrawal to the ledger."""
    if user is None and not email:
        raise ValueError("A consent belongs to a member or to an email address.")
    return Consent.objects.create(
        user=user,
        email="" if user else normalise_email(email),
        purpose=purpose,
        granted=granted,
        source=source,
        text=text,
        policy=policy,
    )


def latest(purpose: str, *, user=None, email: str = "") -> Consent | None:
    rows = Consent.objects.filter(purpose=purpose)
    if user is not None:
        rows = rows.filter(user=user)
    else:
        rows = rows.filter(user__isnull=True, email=normalise_email(email))
    return rows.order_by("-created", "-id").first()


def has_consent(purpose: str, *, user=None, email: str = "") -> bool:
    """True when the newest row for this purpose is a grant."""
    row = latest(purpose, user=user, email=email)
    return bool(row and row.granted)


def granted(purpose: str) -> QuerySet[Consent]:
    """The rows in force that grant `purpose`: one per member or address consenting now."""
    return Consent.objects.filter(purpose=purpose).current().filter(granted=True)
