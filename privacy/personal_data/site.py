"""Django's own tables that hold personal data: sessions and the admin log."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from .. import registry
from ..registry import EVERY_OTHER, Declaration, Erasure, LegalBasis, Retention, register

register(
    Declaration(
        key="sessions",
        name="Sign-in sessions",
        model=Session,
        fields=["session_key", "session_data", "expire_date"],
        description=(
            "A random key in a cookie that keeps your browser signed in. While you are signed "
            "in, a copy of your account details (never your password) is kept with it in the "
            "site's cache for five minutes at most, so that pages load faster."
        ),
        purpose="Keeping you signed in between pages.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Nobody outside the site.",
        # Sessions are opaque and cannot be found by member; the key itself is not exportable.
        export=lambda person: [],
        erasure=Erasure.keep(
            "A session cannot be looked up by member. Once the account is gone it signs nobody "
            "in, its cached copy of the account is never read again and expires within five "
            "minutes, and the session is deleted when it expires."
        ),
        retention=[
            Retention(
                key="sessions",
                setting=None,
                action=Retention.DELETE,
                expired=lambda now: Session.objects.filter(expire_date__lt=now),
                description="Sessions past their expiry date.",
            )
        ],
    )
)


def _erase_admin_log(person, keep_posts):
    """Staff members' own entries go with them. Entries about any row that is the person's
    lose what names them (an object's `__str__` and an inline's in the message): it runs
    first, while every declaration still finds the person's rows."""
    changed = person.rows(LogEntry.objects.all()).delete()[0]
    for model, theirs in registry.rows_of(person).items():
        keys = model._default_manager.filter(theirs).values_list(Cast("pk", CharField()))
        changed += LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=keys
        ).update(
            object_repr=Concat(Value(f"{model._meta.verbose_name} #"), "object_id"),
            change_message="",
        )
    return changed


register(
    Declaration(
        key="admin-log",
        name="Administration log",
        model=LogEntry,
        erase_before=[EVERY_OTHER],  # its eraser looks up the rows the others find
        fields=["user", "object_id", "object_repr", "change_message"],
        description="Changes staff made in the administration site, and to which record.",
        purpose="Accountability for staff actions.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Administrators.",
        export=lambda person: person.rows(LogEntry.objects.all()).values(
            "action_time", "object_repr", "change_message"
        ),
        erasure=Erasure(Erasure.ANONYMISE, _erase_admin_log),
        retention=[
            Retention(
                key="admin-log",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: LogEntry.objects.filter(action_time__lt=cutoff),
                description="Administration log entries.",
            )
        ],
    )
)
