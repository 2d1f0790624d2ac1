"""What the desk reads from the registry's declarations without being told: which column of a
retention rule's rows says how old they are, and which field links a row to a person."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models.lookups import Lookup

from ..registry import Retention

# A moment no row holds, to find the column a rule compares with its cutoff.
SENTINEL = datetime(2999, 12, 31, 23, 59, 59, 123457, tzinfo=UTC)


_age_fields: dict[str, str | None] = {}


def age_field(rule: Retention) -> str | None:
    """The column of the rule's own model its ``expired(cutoff)`` compares with the cutoff
    (``created`` in ``created__lt=cutoff``), or None when the rule reads another table. Rules
    are declared once, so each is read once per process."""
    if rule.key not in _age_fields:
        _age_fields[rule.key] = _find_age_field(rule)
    return _age_fields[rule.key]


def _find_age_field(rule: Retention) -> str | None:
    queryset = rule.expired(SENTINEL)
    for lookup in _lookups(queryset.query.where):
        target = getattr(lookup.lhs, "target", None)
        if (
            isinstance(lookup.rhs, datetime)
            and target is not None
            and target.model is queryset.model
            and abs((lookup.rhs - SENTINEL).days) < 3650
        ):
            return target.name
    return None


def _lookups(node):
    for child in getattr(node, "children", []):
        if isinstance(child, Lookup):
            yield child
        else:
            yield from _lookups(child)


def person_field(model: type[models.Model], names=()) -> str | None:
    """What identifies the person a row is about: the row itself for members, else a link to a
    member (one the declaration lists in `names` first), else an email address; None when
    neither is there."""
    if _is_user_model(model):
        return "pk"
    fields = sorted(model._meta.concrete_fields, key=lambda f: f.name not in names)
    for field in fields:
        if field.is_relation and _is_user_model(field.remote_field.model):
            return field.attname
    for field in fields:
        if isinstance(field, models.EmailField):
            return field.name
    return None


def _is_user_model(model) -> bool:
    return model._meta.label_lower == settings.AUTH_USER_MODEL.lower()
