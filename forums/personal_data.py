"""The members' personal data held by the forums app (see privacy/registry.py)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q

from privacy.registry import Declaration, Erasure, LegalBasis, Retention, register

from .models import SignIn, User

PROFILE_FIELDS = ["display_name", "job_title", "company", "location", "bio"]


def _member(person):
    return person.rows(User.objects.all(), user_field="pk")


def _never_verified(cutoff):
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return User.objects.filter(
        ~Exists(verified), date_joined__lt=cutoff, last_login__isnull=True, is_staff=False
    )


def _inactive(cutoff):
    return User.objects.filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff),
        is_staff=False,
    )


register(
    Declaration(
        key="account",
        name="Your account",
        model=User,
        fields=[
            "username",
            "email",
            "password",
            "last_login",
            "date_joined",
            "is_active",
            "is_staff",
            "is_superuser",
        ],
        description=(
            "Your username, email address, a one-way hash of your password, when you joined "
            "and when you last signed in."
        ),
        purpose="Running your account: signing you in and sending you account emails.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Nobody outside the site. Your username is public next to your posts.",
        export=lambda person: _member(person).values(
            "username", "email", "date_joined", "last_login", "is_active"
        ),
        erasure=Erasure.delete(_member),
        retention=[
            Retention(
                key="unverified-accounts",
                setting="RETENTION_UNVERIFIED_ACCOUNT_DAYS",
                action=Retention.DELETE,
                expired=_never_verified,
                description="Accounts whose email address was never verified.",
            ),
            Retention(
                key="inactive-accounts",
                setting="RETENTION_INACTIVE_ACCOUNT_DAYS",
                action=Retention.ERASE_MEMBER,
                expired=_inactive,
                description=(
                    "Accounts with no sign-in for this long. The member is warned by email "
                    "first and has RETENTION_INACTIVE_WARNING_DAYS days to sign in."
                ),
            ),
        ],
    )
)

register(
    Declaration(
        key="profile",
        name="Your public profile",
        model=User,
        fields=PROFILE_FIELDS,
        description="The optional display name, job title, company, location and bio you add.",
        purpose="Showing other members who you are, as far as you choose.",
        legal_basis=LegalBasis.CONSENT,
        recipients="Everyone who can see your profile page.",
        export=lambda person: _member(person).values(*PROFILE_FIELDS),
        erasure=Erasure.anonymise(_member, **dict.fromkeys(PROFILE_FIELDS, "")),
    )
)

register(
    Declaration(
        key="email-addresses",
        name="Email addresses and their verification",
        model=EmailAddress,
        fields=["user", "email", "verified", "primary"],
        description="The addresses on your account, which one is primary, which are verified.",
        purpose="Making sure account emails reach you and only you.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Nobody outside the site.",
        export=lambda person: person.rows(EmailAddress.objects.all()).values(
            "email", "verified", "primary"
        ),
        erasure=Erasure.delete(lambda person: person.rows(EmailAddress.objects.all())),
    )
)

register(
    Declaration(
        key="two-factor",
        name="Two-factor authentication",
        model=Authenticator,
        fields=["user", "data", "created_at", "last_used_at"],
        description="Your authenticator app's secret and recovery codes, if you set them up.",
        purpose="Protecting your account with a second factor.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Nobody outside the site.",
        # The secrets themselves are never exported: they would let anyone sign in as you.
        export=lambda person: person.rows(Authenticator.objects.all()).values(
            "type", "created_at", "last_used_at"
        ),
        erasure=Erasure.delete(lambda person: person.rows(Authenticator.objects.all())),
    )
)

register(
    Declaration(
        key="sign-ins",
        name="Sign-in records",
        model=SignIn,
        fields=["user", "created", "ip_address", "user_agent"],
        description="When you signed in, from which IP address and which browser.",
        purpose="Security: you and staff can spot a sign-in that was not yours.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="You, and administrators with permission to see IP addresses.",
        export=lambda person: person.rows(SignIn.objects.all()).values(
            "created", "ip_address", "user_agent"
        ),
        erasure=Erasure.delete(lambda person: person.rows(SignIn.objects.all())),
        retention=[
            Retention(
                key="sign-in-ip-addresses",
                setting="RETENTION_IP_ADDRESS_DAYS",
                action=Retention.CLEAR,
                changes={"ip_address": None},
                expired=lambda cutoff: SignIn.objects.filter(
                    created__lt=cutoff, ip_address__isnull=False
                ),
                description="The IP address of a sign-in.",
            ),
            Retention(
                key="sign-ins",
                setting="RETENTION_SIGN_IN_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: SignIn.objects.filter(created__lt=cutoff),
                description="The sign-in record.",
            ),
        ],
    )
)
