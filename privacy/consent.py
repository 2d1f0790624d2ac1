"""Proof of consent: the only way the rest of the code reads or writes consent (P2, P9)."""

from .models import Consent, ConsentText, PolicyVersion

TERMS = "terms"
PRIVACY_POLICY = "privacy_policy"
NEWSLETTER = "newsletter"


def current_text(key: str) -> ConsentText:
    """The newest wording for a place where consent is asked."""
    return ConsentText.objects.filter(key=key).order_by("-version").first()


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
        email="" if user else email,
        purpose=purpose,
        granted=granted,
        source=source,
        text=text,
        policy=policy,
    )


def latest(purpose: str, *, user=None, email: str = "") -> Consent | None:
    rows = Consent.objects.filter(purpose=purpose)
    rows = rows.filter(user=user) if user is not None else rows.filter(email__iexact=email)
    return rows.order_by("-created", "-id").first()


def has_consent(purpose: str, *, user=None, email: str = "") -> bool:
    """True when the newest row for this purpose is a grant."""
    row = latest(purpose, user=user, email=email)
    return bool(row and row.granted)
