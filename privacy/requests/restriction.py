"""What a restriction of processing (P14) means for the rest of the site: while one is in force,
the member's data is used for nothing but keeping it. Staff restrict and lift through
`state.restrict` and `state.lift_restriction`."""

from django.db.models import Exists, OuterRef

from .models import ProcessingRestriction


def is_restricted(user) -> bool:
    """True while the member asked that their data be used for nothing but keeping it."""
    return ProcessingRestriction.objects.in_force().filter(user=user).exists()


def unrestricted(queryset, user_field: str = "pk"):
    """`queryset` without the rows of members whose processing is restricted (one query)."""
    in_force = ProcessingRestriction.objects.in_force().filter(user=OuterRef(user_field))
    return queryset.filter(~Exists(in_force))
