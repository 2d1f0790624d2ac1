"""Erasure (P13): what happens to each kind of data when a person is erased, and the erasure
itself, in one transaction, in the order the declarations ask for (see ``declarations``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet

from .person import Person
from .store import declarations


@dataclasses.dataclass(frozen=True)
class Erasure:
    """What erasure does to one kind of data: delete, anonymise, or keep with a reason.

    ``Erasure.delete(rows)`` deletes the rows ``rows(person)`` returns; ``Erasure.anonymise(rows,
    **changes)`` updates them with ``changes`` (for example ``author=None``); ``Erasure.keep(
    reason)`` keeps them and states why (proof of consent and audit records, P18). For choices
    that depend on the member's wish, ``Erasure(action, run, reason)`` takes ``run(person,
    keep_posts) -> int`` (forum posts: deleted, or kept as "former member" when ``keep_posts``
    is true). Erasers must be idempotent: running erase twice changes nothing the second time.
    What erasure keeps to prove something (a request was handled, a consent was withdrawn) holds
    ``keyed_hash(value)`` instead of the value.
    """

    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"

    action: str
    run: Callable[[Person, bool], int] | None = None
    reason: str = ""

    do_not_call_in_templates = True  # the register shows it; templates would call it

    @classmethod
    def delete(cls, rows: Callable[[Person], QuerySet], reason: str = "") -> Erasure:
        return cls(cls.DELETE, lambda person, keep_posts: delete_rows(rows(person)), reason)

    @classmethod
    def anonymise(cls, rows: Callable[[Person], QuerySet], reason: str = "", **changes) -> Erasure:
        return cls(cls.ANONYMISE, lambda person, keep_posts: rows(person).update(**changes), reason)

    @classmethod
    def keep(cls, reason: str) -> Erasure:
        return cls(cls.KEEP, None, reason)

    def __call__(self, person: Person, *, keep_posts: bool) -> int:
        return self.run(person, keep_posts) if self.run else 0


def erase(subject, *, keep_posts: bool) -> dict[str, tuple[str, int]]:
    """Erase a member (or a visitor's address) everywhere, in one transaction; return what
    each declaration did, ``{key: (action, rows changed)}``."""
    person = Person.of(subject)
    done = {}
    with transaction.atomic():
        for declaration in declarations():
            done[declaration.key] = (
                declaration.erasure.action,
                declaration.erasure(person, keep_posts=keep_posts),
            )
    return done


def delete_rows(queryset: QuerySet) -> int:
    """Delete the rows and say how many of the queryset's own model went (not the cascade)."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def kept_on_erasure(subject) -> list:
    """The declarations whose records of this person erasure keeps, whole or in part, with a
    reason (accounting records, proof of consent...): what the erasure page tells them."""
    person = Person.of(subject)
    return [
        declaration
        for declaration in declarations()
        if declaration.erasure.action != Erasure.DELETE
        and declaration.erasure.reason
        and any(True for _ in declaration.export_records(person))
    ]
