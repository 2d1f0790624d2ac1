"""The registry itself: the declarations, in erasure order, and what reads them all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet

from .person import Person

if TYPE_CHECKING:
    from .declaration import Declaration
    from .retention import Retention

# In ``erase_after`` or ``erase_before``: every other declaration. The admin log's eraser
# looks up the rows the others find, so it runs before them all; the account's after them all,
# so every other eraser still finds the member's rows.
EVERY_OTHER = "*"

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


def declarations() -> list[Declaration]:
    """Every declaration in erasure order: each after those it names in ``erase_after`` and
    before those it names in ``erase_before``, otherwise in the order they were registered."""
    waits_for = {key: set() for key in _registry}
    for key, declaration in _registry.items():
        for before in _expand(declaration.erase_after, key, "erase_after"):
            waits_for[key].add(before)
        for after in _expand(declaration.erase_before, key, "erase_before"):
            waits_for[after].add(key)
    ordered: dict[str, None] = {}  # a set that keeps the order
    while len(ordered) < len(waits_for):
        left = [key for key in waits_for if key not in ordered]
        ready = [key for key in left if waits_for[key] <= ordered.keys()]
        if not ready:
            raise ValueError(f"The erasure order goes round in a circle: {left}.")
        ordered[ready[0]] = None
    return [_registry[key] for key in ordered]


def _expand(keys, own_key: str, name: str) -> set[str]:
    """The declarations named in `keys`; EVERY_OTHER means all that do not say the same."""
    if EVERY_OTHER in keys:
        return {
            key
            for key, declaration in _registry.items()
            if key != own_key and EVERY_OTHER not in getattr(declaration, name)
        }
    unknown = set(keys) - set(_registry)
    if unknown:
        raise ValueError(f"{own_key}: {name} names undeclared data {sorted(unknown)}.")
    return set(keys)


def get(key: str) -> Declaration:
    return _registry[key]


def retention_rules() -> list[Retention]:
    return [rule for declaration in declarations() for rule in declaration.retention]


def export(subject) -> Iterator[tuple[Declaration, Iterator[dict]]]:
    """Every kind of data held about a member (or a visitor's email address), lazily."""
    person = Person.of(subject)
    for declaration in declarations():
        yield declaration, declaration.export_records(person)


def export_files(subject) -> Iterator[tuple[Declaration, str, object]]:
    """Every file that belongs in a person's copy: (declaration, name, file), lazily."""
    person = Person.of(subject)
    for declaration in declarations():
        if declaration.files is not None:
            for name, file in declaration.files(person):
                yield declaration, name, file


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
