"""Many aggregates in one query: the inventory and the desk ask the same question of every
declaration and rule of the registry, and a round trip per question would make them as slow as
their number.
Each part is a queryset compiled by Django (so it stays the rule's own query) and wrapped as
``SELECT key, <aggregates> FROM (<queryset>) AS part``, the parts joined by UNION ALL."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def aggregate_each(parts: dict[str, QuerySet], aggregates: str) -> dict[str, tuple]:
    """``{key: (values...)}``: `aggregates` (SQL over the columns each queryset selects, named
    alike in all of them, e.g. ``COUNT(*), COUNT(DISTINCT part._person)``) for each queryset."""
    if not parts:
        return {}
    statements, params = [], []
    for key, queryset in parts.items():
        sql, sql_params = queryset.order_by().query.sql_with_params()
        statements.append(f"SELECT %s, {aggregates} FROM ({sql}) part")
        params += [key, *sql_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(statements), params)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def as_moment(value) -> datetime | None:
    """A moment read by a raw query: SQLite gives text, PostgreSQL an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    moment = parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)  # Django stores UTC in SQLite
    return moment
