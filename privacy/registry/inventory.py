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
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Lower, NullIf

from ..batch_queries import aggregate_each
from .declaration import Declaration
from .store import _registry, declarations, get

NO_MEMBER = Value(None, output_field=models.IntegerField())
NO_ADDRESS = Value(None, output_field=models.CharField())


@dataclasses.dataclass(frozen=True)
class Holding:
    """How much of one kind of personal data the site holds right now."""

    declaration: Declaration
    rows: int
    people: int | None  # None: the rows cannot be traced to people (sessions, hashes)


def inventory() -> list[Holding]:
    """Every declaration's rows and people, in registry order, counted in one query however
    many declarations and rows there are."""
    return _counted(declarations())


def holding(declaration: Declaration) -> Holding:
    return _counted([declaration])[0]


def _counted(found: list[Declaration]) -> list[Holding]:
    """Rows, distinct members and distinct unlinked addresses of each declaration, in one
    query; people is None when a declaration's rows name nobody."""
    parts = {declaration.key: _rows_and_people(declaration) for declaration in found}
    counts = aggregate_each(
        parts,
        "COUNT(part.inventory_held), COUNT(DISTINCT part.inventory_member), "
        "COUNT(DISTINCT part.inventory_address)",
    )
    holdings = []
    for declaration in found:
        rows, members, addresses = counts[declaration.key]
        named = _is_user_model(declaration) or _links(declaration) or _address_field(declaration)
        holdings.append(Holding(declaration, rows, members + addresses if named else None))
    return holdings


def _rows_and_people(declaration: Declaration) -> QuerySet:
    """The held rows, each with its member by the first link, or its lower-cased address when
    no link names a member; then a row per further link (not counted as a row), so that a
    member named by any link counts once."""
    rows = held_rows(declaration).order_by()
    if _is_user_model(declaration):
        return rows.values(
            inventory_held=Value(1), inventory_member=F("pk"), inventory_address=NO_ADDRESS
        )
    links, address = _links(declaration), _address_field(declaration)
    unlinked = NO_ADDRESS if address is None else NullIf(Lower(address), Value(""))
    if address is not None and links:
        no_member = Q(**{f"{link}__isnull": True for link in links})
        unlinked = Case(When(no_member, then=unlinked), output_field=models.CharField())
    first = F(links[0]) if links else NO_MEMBER
    # Prefixed names: a model may have its own "address" or "member" field.
    found = rows.values(inventory_held=Value(1), inventory_member=first, inventory_address=unlinked)
    more = [
        rows.filter(**{f"{link}__isnull": False}).values(
            inventory_held=NO_MEMBER, inventory_member=F(link), inventory_address=NO_ADDRESS
        )
        for link in links[1:]
    ]
    return found.union(*more, all=True) if more else found


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
    if _is_user_model(declaration):
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


def _is_user_model(declaration: Declaration) -> bool:
    return declaration.model._meta.concrete_model is get_user_model()


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
