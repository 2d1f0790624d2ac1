"""The warnings sent before an inactive account is erased (see privacy.registry)."""

from ..registry import Declaration, Erasure, LegalBasis, register
from .models import RetentionWarning

register(
    Declaration(
        key="inactivity-warnings",
        name="Warnings before erasing an inactive account",
        model=RetentionWarning,
        fields=["user", "rule", "sent"],
        description="When we emailed you that your account would be erased for inactivity.",
        purpose="Erasing an inactive account only after telling its member (P17).",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Nobody outside the site.",
        export=lambda person: person.rows(RetentionWarning.objects.all()).values("rule", "sent"),
        erasure=Erasure.delete(lambda person: person.rows(RetentionWarning.objects.all())),
        # It lives as long as the account: signing in again makes it moot (see
        # privacy/retention/inactivity.py), and a new warning replaces it.
    )
)
