"""Whose data: a ``Person``, and the keyed hash that proves a kept record is theirs."""

from __future__ import annotations

import dataclasses
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.utils.crypto import salted_hmac

# The salt of the first keyed hash the site stored (data requests'); kept so those still match.
HASH_SALT = "privacy.requester"


def keyed_hash(value: str) -> str:
    """A keyed hash of an email address or a username (compared without case): proves that a
    kept record is about a value to whoever already knows the value, and tells nobody else
    anything (P18). The key is derived from SECRET_KEY."""
    return salted_hmac(HASH_SALT, value.strip().lower(), algorithm="sha256").hexdigest()


@dataclasses.dataclass(frozen=True)
class Person:
    """Whose data: a member, or a visitor known only by an email address.

    Exporters and erasers receive one: ``person.user`` (a member, or None for a visitor who
    proved control of an address) and ``person.email``. ``person.rows(queryset, user_field=
    "user", email_field=None)`` narrows a queryset to the person's rows (by user, and/or by any
    of their addresses, case-insensitively), so declarations do not repeat that logic.
    ``Person.of(user_or_email)`` builds one.
    """

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
