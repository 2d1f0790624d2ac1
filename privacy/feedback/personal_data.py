"""Feedback (P16)."""

from ..registry import Declaration, Erasure, LegalBasis, Retention, register
from .models import Feedback


def _feedback(person):
    return person.rows(Feedback.objects.all(), email_field="email")


def _erase_feedback(person, keep_posts):
    """Unpublished feedback goes; a published item keeps only its edited, anonymised text."""
    changed = _feedback(person).filter(published_at__isnull=True).delete()[0]
    return changed + _feedback(person).update(
        user=None, name="", email="", message="", staff_notes=""
    )


register(
    Declaration(
        key="feedback",
        name="Feedback and support requests",
        model=Feedback,
        erase_after=["data-requests"],  # requests redact the names given here
        fields=["user", "name", "email", "message", "staff_notes", "published_text"],
        description=(
            "Messages you sent through the feedback page, staff notes on them, and the edited, "
            "anonymised text if we published one (we email you first)."
        ),
        purpose="Answering you and improving the site.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Staff. A published text is public, without anything that identifies you.",
        export=lambda person: _feedback(person).values(
            "kind",
            "created",
            "name",
            "email",
            "message",
            "status",
            "staff_notes",
            "published_text",
            "published_at",
        ),
        erasure=Erasure(
            Erasure.DELETE,
            _erase_feedback,
            "A published item stays as its edited, anonymised text, unlinked from you.",
        ),
        retention=[
            Retention(
                key="feedback",
                setting="RETENTION_FEEDBACK_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Feedback.objects.filter(
                    published_at__isnull=True, closed_at__lt=cutoff
                ),
                description="Closed feedback and support requests, counted from closing.",
            ),
            Retention(
                key="open-feedback",
                setting="RETENTION_OPEN_FEEDBACK_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Feedback.objects.filter(
                    published_at__isnull=True, closed_at__isnull=True, created__lt=cutoff
                ),
                description="Feedback and support requests never closed, counted from receipt.",
            ),
            Retention(
                key="published-feedback",
                setting="RETENTION_FEEDBACK_DAYS",
                action=Retention.CLEAR,
                changes={"user": None, "name": "", "email": "", "message": "", "staff_notes": ""},
                expired=lambda cutoff: Feedback.objects.filter(published_at__lt=cutoff).exclude(
                    message=""
                ),
                description="Published feedback keeps only its edited text, from publication.",
            ),
        ],
    )
)
