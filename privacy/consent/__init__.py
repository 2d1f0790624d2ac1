"""Proof of consent (P2, P9): the ledger, and the functions through which the rest of the code
writes to it and asks what it says.

`models.py` holds the ledger (`Consent`) and the wordings it proves (`ConsentText`); `admin.py`
the staff's view of both. The ledger is append-only: a grant or a withdrawal is a new row with
the exact wording shown, the source and, where relevant, the policy version. The current state of
a purpose for a person is their newest row. Visitors are known by their email address, stored in
lower case. Every row is written through `record` (or `append`, for a row the staff's form
built), every wording the code needs through `text_reading` (staff add theirs in the admin).
Queries that join the ledger to other records (sponsors' leads, retention rules) read the model
directly.

Erasure ends every grant in force for the person and reduces their rows (`erase`), and
retention reduces a visitor's rows once the address is of no more use (`reduce`): the address
gives way to a keyed hash of it, so the history can still be proven (P18) and `latest` still
finds it for whoever types the address again. Retention also deletes rows that a newer choice
replaced long ago (personal_data.py).
"""

from django.db.models import Q, QuerySet

from ..policies.models import PolicyVersion
from ..registry import keyed_hash
from .models import Consent, ConsentText

TERMS = "terms"
PRIVACY_POLICY = "privacy_policy"
NEWSLETTER = "newsletter"
ERASURE_TEXT_KEY = "erasure-withdrawal"


SPONSOR_PURPOSES = "sponsor:"


def sponsor_purpose(sponsor_id: int) -> str:
    """The purpose of passing one's details to one named sponsor (P8, P23)."""
    return f"{SPONSOR_PURPOSES}{sponsor_id}"


def current_text(key: str) -> ConsentText:
    """The newest wording for a place where consent is asked."""
    return ConsentText.objects.filter(key=key).order_by("-version").first()


def text_reading(key: str, wording: str) -> ConsentText:
    """The newest text for `key` if it reads `wording`, else a new version of it that does."""
    current = current_text(key)
    if current is not None and current.wording == wording:
        return current
    version = current.version + 1 if current else 1
    text, _ = ConsentText.objects.get_or_create(
        key=key, version=version, defaults={"wording": wording}
    )
    return text


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
    row = Consent(
        user=user,
        email=email,
        purpose=purpose,
        granted=granted,
        source=source,
        text=text,
        policy=policy,
    )
    return append(row)


def append(row: Consent) -> Consent:
    """Save a new ledger row (built by `record`, or by the staff's form in the admin): a
    member's row holds no address, a visitor's holds it in lower case."""
    if row.user is None and not row.email:
        raise ValueError("A consent belongs to a member or to an email address.")
    row.email = "" if row.user else normalise_email(row.email)
    row.save()
    return row


def latest(purpose: str, *, user=None, email: str = "") -> Consent | None:
    rows = Consent.objects.filter(purpose=purpose)
    if user is not None:
        rows = rows.filter(user=user)
    else:
        address = normalise_email(email)
        rows = rows.filter(Q(email=address) | Q(email_hash=keyed_hash(address)), user__isnull=True)
    return rows.order_by("-created", "-id").first()


def has_consent(purpose: str, *, user=None, email: str = "") -> bool:
    """True when the newest row for this purpose is a grant."""
    row = latest(purpose, user=user, email=email)
    return bool(row and row.granted)


def granted(purpose: str) -> QuerySet[Consent]:
    """The rows in force that grant `purpose`: one per member or address consenting now."""
    return Consent.objects.filter(purpose=purpose).current().filter(granted=True)


def erase(*, user=None, emails: list[str]) -> int:
    """Erasure (P13): end every grant in force for the member and for each of `emails` with a
    withdrawal row, then reduce the rows kept as proof (P18). Returns how many rows changed.

    A grant given by address before joining is hidden only while a member has the address, so
    it must end too, or deleting the account would revive it.
    """
    addresses = sorted({normalise_email(email) for email in emails if email})
    mine = Q(user__isnull=True, email__in=addresses)
    if user is not None:
        mine |= Q(user=user)
    text = current_text(ERASURE_TEXT_KEY)
    ended = 0
    for row in Consent.objects.filter(mine).current().filter(granted=True):
        record(
            purpose=row.purpose,
            granted=False,
            source=Consent.Source.ERASURE,
            text=text,
            user=row.user,
            email=row.email,
        )
        ended += 1
    reduced = reduce(Consent.objects.filter(user__isnull=True, email__in=addresses))
    if user is not None and user.email:
        # The account's rows lose their link when it is deleted; the hash keeps them provable.
        reduced += Consent.objects.filter(user=user).update(email_hash=keyed_hash(user.email))
    return ended + reduced


def reduce(rows: QuerySet[Consent]) -> int:
    """Replace the address of visitors' rows by its keyed hash, one update per address."""
    changed = 0
    for address in rows.exclude(email="").values_list("email", flat=True).distinct().order_by():
        changed += rows.filter(email=address).update(email="", email_hash=keyed_hash(address))
    return changed
