"""The personal-data registry: every kind of personal data the site stores, declared once.

Each app says what it stores in its own ``<app>/personal_data`` module (privacy's is a package),
imported by ``PrivacyConfig.ready`` (``autodiscover_modules("personal_data")``, like
``admin.py``). Four
features read the registry, so none can forget a kind of data: the data export (P12), erasure
(P13), the retention job (P17) and the register of processing (P27, ``/privacy/register/``).
``tests/privacy/test_registry.py`` fails when a model field that can hold personal data is not
covered by a declaration (see ``undeclared_fields``).

Writing a declaration
---------------------
In ``myapp/personal_data.py``::

    from privacy.registry import Declaration, Erasure, LegalBasis, Retention, register

    register(
        Declaration(
            key="sign-ins",                       # unique, stable, used in exports and logs
            name="Sign-in records",               # plain language, shown to members
            model=SignIn,
            fields=["user", "created", "ip_address", "user_agent"],  # fields this covers
            description="When you signed in, from which address and browser.",
            purpose="Security: you and staff can spot a sign-in that was not yours.",
            legal_basis=LegalBasis.LEGITIMATE_INTEREST,
            recipients="You; administrators.",
            export=lambda person: person.rows(SignIn.objects.all()).values(
                "created", "ip_address", "user_agent"
            ),
            erasure=Erasure.delete(lambda person: person.rows(SignIn.objects.all())),
            retention=[
                Retention(
                    key="sign-ins",
                    setting="RETENTION_SIGN_IN_DAYS",
                    action=Retention.DELETE,
                    expired=lambda cutoff: SignIn.objects.filter(created__lt=cutoff),
                ),
            ],
        )
    )

One model may be covered by several declarations (posts and their IP addresses, say): the
completeness test asks only that every personal field appears in some declaration's ``fields``.
``register`` checks that the listed fields exist and that keys are unique.

Whose data: ``Person``
----------------------
Exporters and erasers receive a ``Person``: ``person.user`` (a member, or None for a visitor who
proved control of an address) and ``person.email``; ``person.addresses`` is every address that
is theirs (a member's verified ones too). ``person.rows(queryset, user_field="user",
email_field=None)`` narrows a queryset to that person's rows (by user, and/or by any of those
addresses, case-insensitively), so declarations do not repeat that logic.
``Person.of(user_or_email)`` builds one.

Export (P12)
------------
``export(user_or_email)`` yields ``(declaration, records)`` for every declaration, in registry
order; ``records`` is a lazy iterable of JSON-ready dicts (``DjangoJSONEncoder`` handles dates,
times, decimals, UUIDs). Exporters should return ``QuerySet.values(...)`` (iterated with
``.iterator()`` by ``Declaration.export_records``) or a generator, so large volumes stream and
memory stays flat. Write only the person's own data: never another member's.

Erasure (P13)
-------------
``erase(user_or_email, *, keep_posts)`` runs every declaration's ``Erasure`` inside one
transaction and returns ``{key: (action, rows changed)}``. Each declaration says what happens:
``Erasure.delete(rows)`` deletes the rows ``rows(person)`` returns; ``Erasure.anonymise(rows,
**changes)`` updates them with ``changes`` (for example ``author=None``); ``Erasure.keep(reason)``
keeps them and states why (proof of consent and audit records, P18). For choices that depend on
the member's wish, ``Erasure(action, run, reason)`` takes ``run(person, keep_posts) -> int``
(forum posts: deleted, or kept as "former member" when ``keep_posts`` is true). Declarations on the
user model itself run last, so every other eraser still sees the member's rows; Django's admin
log runs first: its eraser cleans the entries about every row that an exporter returning a
QuerySet finds for the person, before those rows change. Erasers must be idempotent: running
erase twice changes nothing the second time. What erasure keeps to prove something (a request
was handled, a consent was withdrawn) holds ``keyed_hash(value)`` instead of the value.

Retention (P17)
---------------
Each declaration lists ``Retention`` rules. A rule has a ``key``, the name of the ``setting`` that
holds its period in days (``RETENTION_*`` in ``community/settings.py``, each overridable by an
environment variable of the same name; ``None`` means "at the moment stored in the row", e.g. a
session's expiry), an ``action`` and ``expired(cutoff)``, a queryset of the rows whose time has
come at ``cutoff = now - period``. ``rule.expired_at(now)`` computes the cutoff;
``rule.apply(queryset)`` carries out the action on (a batch of) those rows and returns how many
changed:

- ``Retention.DELETE``: delete the rows;
- ``Retention.CLEAR``: ``queryset.update(**rule.changes)``, e.g. ``{"ip_address": None}``; the
  ``expired`` queryset must exclude rows already cleared, so a second run changes nothing;
- ``Retention.REDUCE``: ``rule.reduce(queryset)`` replaces what identifies the person by a
  keyed hash (``keyed_hash``), for proof that must outlive the clear value (P18); the
  ``expired`` queryset must exclude rows already reduced;
- ``Retention.ERASE_MEMBER``: the rows are members; each is erased through ``erase(user,
  keep_posts=True)`` (inactive accounts). The retention job emails each member first and
  applies the rule only to those warned at least ``RETENTION_INACTIVE_WARNING_DAYS`` days
  before who have not signed in since.

The retention job (``privacy.tasks.enforce_retention``, logic in ``privacy/retention.py``) runs
every rule, batching by primary key: ``rule.apply(expired.filter(pk__in=batch))`` with at most
10,000 keys per transaction. So ``expired`` must return a plain queryset of the model's rows
(filterable and ordered by ``pk``), and the columns it filters on need a database index.

Who among staff sees it (P6, P7)
--------------------------------
A declared field is shown to staff who may view its model (the view or change permission), or,
when the declaration names a ``staff_permission`` (``"forums.view_ip_address"``), only to staff
with that permission. The admin (``privacy/need_to_know.py``) asks before it shows, filters,
sorts or searches on a field, for every ModelAdmin, so a new declaration is covered by itself.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.crypto import salted_hmac


class LegalBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    CONTRACT = "contract", "Contract (running your account)"
    LEGITIMATE_INTEREST = "legitimate-interest", "Legitimate interest"
    LEGAL_OBLIGATION = "legal-obligation", "Legal obligation"


# The salt of the first keyed hash the site stored (data requests'); kept so those still match.
HASH_SALT = "privacy.requester"


def keyed_hash(value: str) -> str:
    """A keyed hash of an email address or a username (compared without case): proves that a
    kept record is about a value to whoever already knows the value, and tells nobody else
    anything (P18). The key is derived from SECRET_KEY."""
    return salted_hmac(HASH_SALT, value.strip().lower(), algorithm="sha256").hexdigest()


@dataclasses.dataclass(frozen=True)
class Person:
    """Whose data: a member, or a visitor known only by an email address."""

    user: Any | None
    email: str
    # Every address that is the person's: theirs and, for a member, every verified address on
    # the account (an unverified one may be somebody else's, typed in by the member). Read once,
    # when the Person is made, so an eraser that deletes the account's addresses does not
    # change whom the erasers after it find.
    addresses: tuple[str, ...] = ()

    @classmethod
    def of(cls, subject) -> Person:
        if isinstance(subject, Person):
            return subject
        user, email = (None, subject) if isinstance(subject, str) else (subject, subject.email)
        found = {email.strip().lower()} if email else set()
        if user is not None:
            verified = EmailAddress.objects.filter(user=user.pk, verified=True)
            found.update(address.lower() for address in verified.values_list("email", flat=True))
        return cls(user=user, email=email, addresses=tuple(sorted(found)))

    def rows(
        self, queryset: QuerySet, *, user_field: str | None = "user", email_field: str | None = None
    ) -> QuerySet:
        """The rows of `queryset` that belong to this person (by account or by any address)."""
        match = Q(pk__in=[])
        if user_field and self.user is not None:
            match |= Q(**{user_field: self.user.pk})
        if email_field:
            for address in self.addresses:
                match |= Q(**{f"{email_field}__iexact": address})
        return queryset.filter(match)


@dataclasses.dataclass(frozen=True)
class Erasure:
    """What erasure does to one kind of data: delete, anonymise, or keep with a reason."""

    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"

    action: str
    run: Callable[[Person, bool], int] | None = None
    reason: str = ""

    do_not_call_in_templates = True  # the register shows it; templates would call it

    @classmethod
    def delete(cls, rows: Callable[[Person], QuerySet], reason: str = "") -> Erasure:
        return cls(cls.DELETE, lambda person, keep_posts: _delete(rows(person)), reason)

    @classmethod
    def anonymise(cls, rows: Callable[[Person], QuerySet], reason: str = "", **changes) -> Erasure:
        return cls(cls.ANONYMISE, lambda person, keep_posts: rows(person).update(**changes), reason)

    @classmethod
    def keep(cls, reason: str) -> Erasure:
        return cls(cls.KEEP, None, reason)

    def __call__(self, person: Person, *, keep_posts: bool) -> int:
        return self.run(person, keep_posts) if self.run else 0


@dataclasses.dataclass(frozen=True)
class Retention:
    """How long one kind of data is kept, and what happens when the time is up."""

    DELETE = "delete"
    CLEAR = "clear"
    REDUCE = "reduce"
    ERASE_MEMBER = "erase-member"
    ACTIONS = {
        DELETE: "deleted",
        CLEAR: "cleared",
        REDUCE: "reduced to a keyed hash",
        ERASE_MEMBER: "the account is erased, posts kept anonymised",
    }

    key: str
    setting: str | None
    action: str
    expired: Callable[[datetime], QuerySet]
    changes: dict = dataclasses.field(default_factory=dict)
    description: str = ""
    reduce: Callable[[QuerySet], int] | None = None

    def __post_init__(self):
        if self.action not in self.ACTIONS:
            raise ValueError(f"Unknown retention action {self.action!r}.")
        if (self.action == self.CLEAR) != bool(self.changes):
            raise ValueError("A CLEAR rule needs `changes`; other actions take none.")
        if (self.action == self.REDUCE) != (self.reduce is not None):
            raise ValueError("A REDUCE rule needs `reduce`; other actions take none.")
        if self.setting is not None and not isinstance(getattr(settings, self.setting), int):
            raise ValueError(f"settings.{self.setting} must be a number of days.")

    @property
    def period(self) -> timedelta:
        return timedelta(days=getattr(settings, self.setting)) if self.setting else timedelta(0)

    @property
    def period_display(self) -> str:
        if not self.setting:
            return "until it expires"
        days = getattr(settings, self.setting)
        if days % 365 == 0:
            years = days // 365
            return f"{years} year{'s' if years > 1 else ''}"
        return f"{days} day{'s' if days != 1 else ''}"

    @property
    def action_display(self) -> str:
        return self.ACTIONS[self.action]

    def expired_at(self, now: datetime) -> QuerySet:
        """The rows whose retention period has ended at `now`."""
        return self.expired(now - self.period)

    def apply(self, queryset: QuerySet) -> int:
        """Carry out the action on (a batch of) expired rows; return how many changed."""
        if self.action == self.DELETE:
            return _delete(queryset)
        if self.action == self.CLEAR:
            return queryset.update(**self.changes)
        if self.action == self.REDUCE:
            return self.reduce(queryset)
        return sum(sum(n for _, n in erase(user, keep_posts=True).values()) for user in queryset)


@dataclasses.dataclass(frozen=True)
class Declaration:
    """One kind of personal data: what it is, why it is held, and how it is exported, erased
    and expired."""

    key: str
    name: str
    model: type[models.Model]
    fields: Iterable[str]
    description: str
    purpose: str
    legal_basis: str
    recipients: str
    export: Callable[[Person], Iterable[dict]]
    erasure: Erasure
    retention: Iterable[Retention] = ()
    # Staff see these fields only with this permission; None: with the permission to view the model.
    staff_permission: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "retention", tuple(self.retention))
        names = {f.name for f in self.model._meta.get_fields()}
        unknown = set(self.fields) - names
        if unknown:
            raise ValueError(f"{self.key}: {self.model.__name__} has no field {sorted(unknown)}.")
        if self.erasure.action == Erasure.KEEP and not self.erasure.reason:
            raise ValueError(f"{self.key}: data kept on erasure needs a reason.")

    @property
    def legal_basis_display(self) -> str:
        return LegalBasis(self.legal_basis).label

    @property
    def model_label(self) -> str:
        return self.model._meta.label

    def export_records(self, person: Person) -> Iterator[dict]:
        records = self.export(person)
        if isinstance(records, QuerySet):
            records = records.iterator(chunk_size=2000)
        yield from records


_registry: dict[str, Declaration] = {}


def register(declaration: Declaration) -> Declaration:
    if declaration.key in _registry:
        raise ValueError(f"Personal data {declaration.key!r} is declared twice.")
    keys = {rule.key for d in _registry.values() for rule in d.retention}
    for rule in declaration.retention:
        if rule.key in keys:
            raise ValueError(f"Retention rule {rule.key!r} is declared twice.")
    _registry[declaration.key] = declaration
    return declaration


def describe_members(facts: Callable[[Any], dict[str, str]]) -> None:
    """Called once by the app that holds member profiles: `facts(user)` says what a member's
    profile holds that privacy features may show or pre-fill, as ``{"name", "email"}`` and,
    where the profile has them, ``"company"`` and ``"job_title"``. Privacy reads a member only
    through this and ``get_user_model()``, never by the user model's field names."""
    global _member_facts
    _member_facts = facts


def member_facts(user) -> dict[str, str]:
    """The member's name and email, and what else their profile says (see describe_members)."""
    return _member_facts(user)


def _account_facts(user) -> dict[str, str]:
    return {"name": user.get_full_name() or user.get_username(), "email": user.email}


_member_facts = _account_facts


def declarations() -> list[Declaration]:
    """Every declaration in erasure order: the admin log's first (it looks up the rows the others
    find), those about the user model itself last."""
    user_model = get_user_model()
    return sorted(
        _registry.values(), key=lambda d: (d.model is not LogEntry, d.model is user_model)
    )


def get(key: str) -> Declaration:
    return _registry[key]


def retention_rules() -> list[Retention]:
    return [rule for declaration in declarations() for rule in declaration.retention]


def export(subject) -> Iterator[tuple[Declaration, Iterator[dict]]]:
    """Every kind of data held about a member (or a visitor's email address), lazily."""
    person = Person.of(subject)
    for declaration in declarations():
        yield declaration, declaration.export_records(person)


def erase(subject, *, keep_posts: bool) -> dict[str, tuple[str, int]]:
    """Erase a member (or a visitor's address) everywhere, in one transaction."""
    person = Person.of(subject)
    done = {}
    with transaction.atomic():
        for declaration in declarations():
            done[declaration.key] = (
                declaration.erasure.action,
                declaration.erasure(person, keep_posts=keep_posts),
            )
    return done


def rows_of(subject) -> dict[type[models.Model], Q]:
    """Per model, a filter on the primary key that matches the rows every declaration whose
    exporter returns a QuerySet finds for a person (subqueries: nothing is loaded)."""
    person = Person.of(subject)
    found: dict[type[models.Model], Q] = {}
    for declaration in declarations():
        records = declaration.export(person)
        if isinstance(records, QuerySet):
            match = Q(pk__in=records.values("pk"))
            found[records.model] = found.get(records.model, Q(pk__in=[])) | match
    return found


def _delete(queryset: QuerySet) -> int:
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


# What the completeness test treats as able to hold personal data.
PERSON_NAME = re.compile(r"(^|_)(first|last|full|display|contact|given|family)_?name$")


def personal_fields(model: type[models.Model]) -> list[str]:
    """Fields of `model` that can hold personal data.

    A link to a member, an email address, an IP address, a person's name, and on a model that is
    about a person (it links to a member or holds an email address) any free text.
    """
    user_label = settings.AUTH_USER_MODEL.lower()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]

    def links_to_user(field) -> bool:
        target = field.remote_field.model if field.is_relation else None
        if isinstance(target, str):
            return target.lower() == user_label
        return target is not None and target._meta.label_lower == user_label

    is_about_a_person = model._meta.label_lower == user_label or any(
        links_to_user(f) or isinstance(f, models.EmailField) for f in fields
    )
    found = []
    for field in fields:
        if (
            links_to_user(field)
            or isinstance(field, models.EmailField | models.GenericIPAddressField)
            or PERSON_NAME.search(field.name)
            or (
                is_about_a_person
                and isinstance(field, models.CharField | models.TextField | models.JSONField)
                and not field.choices
            )
        ):
            found.append(field.name)
    return found


def undeclared_fields(model_list: Iterable[type[models.Model]]) -> list[str]:
    """`app.Model.field` for every personal field no declaration covers."""
    covered = {(d.model._meta.label_lower, name) for d in _registry.values() for name in d.fields}
    missing = []
    for model in model_list:
        if model._meta.auto_created:  # many-to-many tables: covered by the model that owns them
            continue
        for name in personal_fields(model):
            if (model._meta.label_lower, name) not in covered:
                missing.append(f"{model._meta.label}.{name}")
    return missing
