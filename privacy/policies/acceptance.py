"""Asking members who accepted older terms to accept the terms in force (P2, P24); the
acceptance itself is a row in the consent ledger (forms.py)."""

from django.core.cache import caches
from django.utils import timezone

from .. import consent
from .models import PolicyVersion


def terms_in_force() -> PolicyVersion | None:
    """The terms every member must have accepted; every member's page asks, so each process
    keeps a copy for a few seconds (settings.CACHES["near"])."""
    key = f"privacy:terms-in-force:{timezone.localdate()}"
    return caches["near"].get_or_set(
        key, lambda: PolicyVersion.objects.in_force(PolicyVersion.TERMS), 300
    )


def terms_to_accept(user) -> PolicyVersion | None:
    """The terms in force, if the member accepted an older version and not this one yet.

    Accounts created by staff (createsuperuser, seed data) never accepted any version through
    the site; they are not asked.
    """
    terms = terms_in_force()
    if terms is None:
        return None
    latest = consent.latest(consent.TERMS, user=user)
    if latest is None or (latest.granted and latest.policy_id == terms.pk):
        return None
    return terms
