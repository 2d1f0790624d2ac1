"""The completeness check: every model field that can hold personal data is declared
(``tests/privacy/test_registry.py`` runs it over every installed model)."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import models

from .store import declarations

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
    covered = {(d.model._meta.label_lower, name) for d in declarations() for name in d.fields}
    missing = []
    for model in model_list:
        if model._meta.auto_created:  # many-to-many tables: covered by the model that owns them
            continue
        for name in personal_fields(model):
            if (model._meta.label_lower, name) not in covered:
                missing.append(f"{model._meta.label}.{name}")
    return missing
