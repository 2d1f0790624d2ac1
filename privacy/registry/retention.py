"""Retention rules: how long each kind of personal data is kept (P17)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from .erasure import delete_rows, erase


@dataclasses.dataclass(frozen=True)
class Retention:
    """How long one kind of data is kept, and what happens when the time is up (P17).

    A rule has a ``key``, the name of the ``setting`` that holds its period in days
    (``RETENTION_*`` in ``community/settings.py``, each overridable by an environment variable
    of the same name; ``None`` means "at the moment stored in the row", e.g. a session's
    expiry), an ``action`` and ``expired(cutoff)``, a queryset of the rows whose time has come
    at ``cutoff = now - period``. ``rule.expired_at(now)`` computes the cutoff;
    ``rule.apply(queryset)`` carries out the action on (a batch of) those rows and returns how
    many changed:

    - ``DELETE``: delete the rows;
    - ``CLEAR``: ``queryset.update(**rule.changes)``, e.g. ``{"ip_address": None}``; the
      ``expired`` queryset must exclude rows already cleared, so a second run changes nothing;
    - ``REDUCE``: ``rule.reduce(queryset)`` replaces what identifies the person by a keyed
      hash, for proof that must outlive the clear value (P18); the ``expired`` queryset must
      exclude rows already reduced;
    - ``ERASE_MEMBER``: the rows are members; each is erased through ``erase(user,
      keep_posts=True)`` (inactive accounts). The retention job warns each member first (see
      ``privacy.retention``).

    The retention job runs every rule in primary-key batches of at most 10,000 keys per
    transaction, so ``expired`` must return a plain queryset of the model's rows, and the
    columns it filters on need a database index.
    """

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
            return delete_rows(queryset)
        if self.action == self.CLEAR:
            return queryset.update(**self.changes)
        if self.action == self.REDUCE:
            return self.reduce(queryset)
        return sum(sum(n for _, n in erase(user, keep_posts=True).values()) for user in queryset)
