"""The inventory: per declaration, how many rows of personal data the site holds and for how
many people, and which members hold data of given kinds (what a breach would touch, Art. 33-34).

Worked out from the declarations alone: a row holds data of a declaration when one of its
declared fields has a value; its members are those its links to the user model name (the
declared links, or the model's own when the declaration lists none, as for a post's IP
address); people known only by address count once per address.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from .declaration import Declaration
from .store import _registry, declarations, get


@dataclasses.dataclass(frozen=True)
class Holding:
    """How much of one kind of personal data the site holds right now."""

    declaration: Declaration
    rows: int
    people: int | None  # None: the rows cannot be traced to people (sessions, hashes)


def inventory() -> list[Holding]:
    """Every declaration's rows and people, in registry order (a few queries per declaration)."""
    return [holding(declaration) for declaration in declarations()]


def holding(declaration: Declaration) -> Holding:
    rows = held_rows(declaration)
    members, addresses = holders(declaration), _address_field(declaration)
    if declaration.model._meta.concrete_model is get_user_model():
        addresses = None  # the accounts are the members
    if members is None and addresses is None:
        return Holding(declaration, rows.count(), None)
    people = members.count() if members is not None else 0
    if addresses is not None:
        unlinked = rows.filter(**{f"{link}__isnull": True for link in _links(declaration)})
        people += (
            unlinked.exclude(**{addresses: ""})
            .annotate(address=Lower(addresses))
            .values("address")
            .distinct()
            .count()
        )
    return Holding(declaration, rows.count(), people)


def held_rows(declaration: Declaration) -> QuerySet:
    """The rows of the declaration's model where one of its declared fields has a value."""
    fields = [declaration.model._meta.get_field(name) for name in declaration.fields]
    if any(not (field.null and field.concrete) for field in fields):
        return declaration.model._default_manager.all()
    some_value = Q(pk__in=[])
    for field in fields:
        some_value |= Q(**{f"{field.name}__isnull": False})
    return declaration.model._default_manager.filter(some_value)


def holders(declaration: Declaration) -> QuerySet | None:
    """The members who have data of this kind (None when rows name no member)."""
    user_model = get_user_model()
    if declaration.model._meta.concrete_model is user_model:
        return user_model._default_manager.filter(pk__in=held_rows(declaration).values("pk"))
    links = _links(declaration)
    if not links:
        return None
    rows = held_rows(declaration)
    linked = Q(pk__in=[])
    for link in links:
        linked |= Q(pk__in=rows.filter(**{f"{link}__isnull": False}).values(link))
    return user_model._default_manager.filter(linked)


def members_holding(keys: Iterable[str]) -> QuerySet:
    """The members holding data of any of these kinds (declaration keys; a key no longer
    declared finds nobody), as one queryset."""
    found = Q(pk__in=[])
    for key in set(keys) & set(_registry):
        members = holders(get(key))
        if members is not None:
            found |= Q(pk__in=members.values("pk"))
    return get_user_model()._default_manager.filter(found)


def _links(declaration: Declaration) -> list[str]:
    """The declared fields that link to a member, else the model's own links to members."""
    user_model = get_user_model()
    fields = [f for f in declaration.model._meta.concrete_fields if f.is_relation]
    links = [f.name for f in fields if f.related_model is user_model]
    declared = [name for name in links if name in declaration.fields]
    return declared or links


def _address_field(declaration: Declaration) -> str | None:
    """A declared email field that names people not linked to an account, if any."""
    for name in declaration.fields:
        if isinstance(declaration.model._meta.get_field(name), models.EmailField):
            return name
    return None
