"""Demo data for a developer's machine: an admin with a second factor, and members.

Safe to run again: what exists is kept, and only what is missing is added.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from forums.models import User

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "community-admin-demo"
MEMBER_PASSWORD = "community-member-demo"
MEMBER_PROFILES = [
    ("amina", "Amina Okafor", "Workforce planner", "Northwind Telecom", "Leeds"),
    ("ben.h", "Ben Harris", "Team leader", "Brightline Energy", "Glasgow"),
    ("carla_m", "Carla Mendes", "Quality analyst", "Atlas Insurance", "Lisbon"),
    ("dev-patel", "Dev Patel", "Contact centre manager", "Harbour Bank", "Manchester"),
    ("eva", "", "", "", ""),
]


class Command(BaseCommand):
    help = "Create demo data: an admin (with a second factor), members, forums. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=len(MEMBER_PROFILES))
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args, members: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates known passwords; it runs only with DEBUG on.")
        admin, secret, codes = self.seed_admin()
        self.seed_members(members)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(
            f"\nAdmin: sign in at /admin/ as '{admin.username}' with password '{ADMIN_PASSWORD}'.\n"
            "It asks for a second factor (staff must have one). Either add this secret to an "
            f"authenticator app:\n    {secret}\n    ({self.totp_url(admin, secret)})\n"
            f"or use one of these single-use recovery codes:\n    {' '.join(codes)}\n"
            f"Members: {', '.join(p[0] for p in MEMBER_PROFILES[:members])}, "
            f"password '{MEMBER_PASSWORD}'.\n"
        )

    @transaction.atomic
    def seed_admin(self) -> tuple[User, str, list[str]]:
        admin, created = User.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(ADMIN_PASSWORD)
            admin.save(update_fields=["password"])
            verify_email(admin)
        totp = Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).first()
        if totp is None:
            secret = generate_totp_secret()
            TOTP.activate(admin, secret)
        else:
            secret = decrypt(totp.data["secret"])
        codes = RecoveryCodes.activate(admin).get_unused_codes()
        return admin, secret, codes

    def seed_members(self, count: int) -> None:
        existing = set(User.objects.filter(is_staff=False).values_list("username", flat=True))
        for i in tqdm(range(count), desc="members", disable=count < 100):
            username, name, title, company, location = profile_for(i)
            if username in existing:
                continue
            with transaction.atomic():
                user = User(
                    username=username,
                    email=f"{username}@example.org",
                    display_name=name,
                    job_title=title,
                    company=company,
                    location=location,
                )
                user.set_password(MEMBER_PASSWORD)
                user.save()
                verify_email(user)

    @staticmethod
    def totp_url(user: User, secret: str) -> str:
        return get_mfa_adapter().build_totp_url(user, secret)


def profile_for(i: int) -> tuple[str, str, str, str, str]:
    if i < len(MEMBER_PROFILES):
        return MEMBER_PROFILES[i]
    return (f"member{i}", f"Demo member {i}", "", "", "")


def verify_email(user: User) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
