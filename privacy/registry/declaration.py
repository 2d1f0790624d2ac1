"""A declaration: one kind of personal data, what it is, why it is held, and how it is
exported, erased and expired. See ``privacy.registry`` for how to write one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet

from .erasure import Erasure
from .person import Person
from .retention import Retention


class LegalBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    CONTRACT = "contract", "Contract (running your account)"
    LEGITIMATE_INTEREST = "legitimate-interest", "Legitimate interest"
    LEGAL_OBLIGATION = "legal-obligation", "Legal obligation"


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
    # Staff see these fields only with this permission; None: with the permission to view the
    # model. The admin asks before it shows, filters, sorts or searches on a field (P6, P7:
    # privacy/need_to_know.py), so a new declaration is covered by itself.
    staff_permission: str | None = None
    # Keys of the declarations whose erasers must run before this one's, and of those that
    # must run after it, or EVERY_OTHER (privacy.registry.store); otherwise erasers run in
    # the order of registration.
    erase_after: Iterable[str] = ()
    erase_before: Iterable[str] = ()
    # Files that belong in the person's copy (P12), beside their records: ``files(person)``
    # yields ``(name, file)``, a Django ``File`` or ``FieldFile`` (an invoice's PDF, say); the
    # export puts each in its ZIP as ``files/<key>/<name>``.
    files: Callable[[Person], Iterable[tuple[str, Any]]] | None = None

    def __post_init__(self):
        object.__setattr__(self, "fields", tuple(self.fields))
        for name in ("retention", "erase_after", "erase_before"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
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
