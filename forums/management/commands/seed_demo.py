"""Demo data for a developer's machine: an admin with a second factor, members, categories,
topics and posts that read like a real community (forums/demo_content.py).

Fast at any size: the demo password is hashed once for every member, rows go in with
bulk_create, each distinct paragraph is rendered once, and the counters are set at the end in
a few set-based updates (`--members 1000 --topics 10000 --posts 100000` takes well under two
minutes).

Safe to run again: what exists is kept, and only what is missing is added.
"""

import random
from datetime import timedelta
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, Mod
from django.utils import timezone
from tqdm import tqdm

from forums import demo_content, search
from forums.events import demo as events_demo
from forums.markup import render_post
from forums.models import (
    CATEGORY_PALETTE,
    Category,
    EmailAddressAdded,
    Post,
    Topic,
    TopicParticipant,
    User,
)
from forums.posting import recount_category, topic_slug
from privacy.sponsors import demo as sponsors_demo

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
        parser.add_argument("--members", type=int, default=40)
        parser.add_argument("--topics", type=int, default=len(demo_content.SUBJECTS) * 2)
        parser.add_argument(
            "--posts", type=int, default=400, help="Posts in all, first posts included."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args, members: int, topics: int, posts: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates known passwords; it runs only with DEBUG on.")
        admin, secret, codes = self.seed_admin()
        self.seed_members(members)
        self.seed_categories()
        self.seed_topics(topics)
        self.seed_replies(posts)
        sponsors_demo.seed()  # a sponsored report and webinar on /resources/
        events_demo.seed()  # a free event, a past one and a paid one on /events/
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(
            f"\nAdmin: sign in at /admin/ as '{admin.username}' with password '{ADMIN_PASSWORD}'.\n"
            "It asks for a second factor (staff must have one). Either add this secret to an "
            f"authenticator app:\n    {secret}\n    ({self.totp_url(admin, secret)})\n"
            f"or use one of these single-use recovery codes:\n    {' '.join(codes)}\n"
            f"Members include {', '.join(p[0] for p in MEMBER_PROFILES[:members])}, all with "
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
        """Members with profiles. The demo password is hashed once: hashing it for each of
        1,000 members would take minutes for the same result."""
        existing = set(User.objects.filter(is_staff=False).values_list("username", flat=True))
        password = make_password(MEMBER_PASSWORD)
        missing = [profile_for(i) for i in range(count)]
        missing = [profile for profile in missing if profile[0] not in existing]
        for batch in _batches(range(len(missing)), desc="members"):
            with transaction.atomic():
                users = User.objects.bulk_create(
                    User(
                        username=username,
                        email=f"{username}@example.org",
                        password=password,
                        display_name=name,
                        job_title=title,
                        company=company,
                        location=location,
                        date_joined=timezone.now() - timedelta(days=600 - i % 600),
                    )
                    for i, (username, name, title, company, location) in (
                        (i, missing[i]) for i in batch
                    )
                )
                addresses = EmailAddress.objects.bulk_create(
                    EmailAddress(user=user, email=user.email, verified=True, primary=True)
                    for user in users
                )
                # bulk_create sends no signal: date the addresses as forums.signals would.
                EmailAddressAdded.objects.bulk_create(
                    EmailAddressAdded(address=address) for address in addresses
                )

    def seed_categories(self) -> None:
        for position, (slug, name, description, flags) in enumerate(CATEGORIES):
            Category.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": description,
                    "colour": CATEGORY_PALETTE[position % len(CATEGORY_PALETTE)],
                    "position": position,
                    "parent": Category.objects.filter(slug=flags.get("parent")).first(),
                    "staff_only": flags.get("staff_only", False),
                    "announcements": flags.get("announcements", False),
                },
            )

    def seed_topics(self, count: int) -> None:
        missing = count - Topic.objects.count()
        if missing <= 0:
            return
        authors = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk"))
        categories = {c.slug: c for c in Category.objects.all()}
        if not authors or not categories:
            return
        now = timezone.now()
        start = Topic.objects.count()
        for batch in _batches(range(start, start + missing), desc="topics"):
            with transaction.atomic():
                topics = Topic.objects.bulk_create(
                    Topic(
                        category=categories.get(
                            demo_content.subject_for(i)[0], next(iter(categories.values()))
                        ),
                        author=authors[(i * 5) % len(authors)],
                        title=(title := demo_content.topic_title(i)),
                        slug=topic_slug(title),
                        # Spread over the last eighteen months, more of them recent.
                        created=(created := now - _age(i)),
                        last_activity=created,
                    )
                    for i in batch
                )
                self.add_posts([(topic, topic.author) for topic in topics], now)
        self.recount()

    def seed_replies(self, count: int) -> None:
        missing = count - Post.objects.count()
        topics = list(Topic.objects.filter(hidden=False, locked=False).order_by("pk"))
        authors = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk"))
        if missing <= 0 or not topics or not authors:
            return
        now = timezone.now()
        rng = random.Random(missing)
        start = Post.objects.count()
        # A few long threads: a quarter of the replies, up to about 150 each.
        long_threads = topics[: min(3, len(topics))]
        long_share = min(0.25, 150 * len(long_threads) / missing)
        for batch in _batches(range(start, start + missing), desc="posts", size=2000):
            with transaction.atomic():
                self.add_posts(
                    [
                        (
                            rng.choice(long_threads)
                            if rng.random() < long_share
                            else rng.choice(topics),
                            authors[rng.randrange(len(authors))],
                        )
                        for _ in batch
                    ],
                    now,
                )
        self.recount()

    def add_posts(self, pairs: list[tuple[Topic, User]], now) -> None:
        """Bulk-add one post per (topic, author) at the foot of the topic. Counters are set by
        recount() at the end, once."""
        if not hasattr(self, "_positions"):
            self._positions = dict(
                Topic.objects.annotate(top=Max("posts__position")).values_list("pk", "top")
            )
        new_posts, texts = [], []
        for topic, author in pairs:
            position = (self._positions.get(topic.pk) or 0) + 1
            self._positions[topic.pk] = position
            if position == 1:
                paragraphs = demo_content.opening_paragraphs(topic.title)
            else:
                paragraphs = demo_content.reply_paragraphs(
                    topic.title, topic.pk, author.pk, position
                )
            source, rendered, text = _render(paragraphs)
            # Replies follow the topic's start, quickly at first, never later than now.
            span = (now - topic.created).total_seconds()
            created = topic.created + timedelta(seconds=span * (position - 1) / (position + 30))
            new_posts.append(
                Post(
                    topic=topic,
                    author=author,
                    position=position,
                    source=source,
                    html=rendered,
                    created=created,
                )
            )
            texts.append((topic.title if position == 1 else "", text))
        Post.objects.bulk_create(new_posts)
        TopicParticipant.objects.bulk_create(
            [TopicParticipant(topic=post.topic, user=post.author) for post in new_posts],
            ignore_conflicts=True,
        )
        if search.uses_fts5():
            rows = zip(new_posts, texts, strict=True)
            search.index_plain_text([(post.pk, title, text) for post, (title, text) in rows])
        else:
            search.index_posts([post.pk for post in new_posts])

    @staticmethod
    def recount() -> None:
        """Every topic's and category's counters and last post, set-based (recount_topic and
        recount_category one row at a time would take minutes for 10,000 topics)."""
        latest = Post.objects.filter(topic=OuterRef("pk"), hidden=False).order_by("-position")
        with transaction.atomic():
            Topic.objects.update(
                last_position=Coalesce(
                    Subquery(
                        Post.objects.filter(topic=OuterRef("pk"))
                        .order_by("-position")
                        .values("position")[:1]
                    ),
                    0,
                ),
                last_post=Subquery(latest.values("pk")[:1]),
                last_activity=Coalesce(Subquery(latest.values("created")[:1]), F("created")),
            )
            Topic.objects.update(
                reply_count=Greatest(
                    Coalesce(
                        Subquery(
                            Post.objects.filter(topic=OuterRef("pk"), hidden=False)
                            .values("topic")
                            .annotate(n=Count("pk"))
                            .values("n")[:1]
                        ),
                        0,
                    )
                    - 1,
                    0,
                )
            )
            # Readers outnumber writers: a plausible number of views for each topic.
            Topic.objects.filter(view_count=0).update(
                view_count=F("reply_count") * 9 + Mod(F("id") * 37, 120) + 5
            )
            for category in Category.objects.all():
                recount_category(category)

    @staticmethod
    def totp_url(user: User, secret: str) -> str:
        return get_mfa_adapter().build_totp_url(user, secret)


def profile_for(i: int) -> tuple[str, str, str, str, str]:
    if i < len(MEMBER_PROFILES):
        return MEMBER_PROFILES[i]
    return demo_content.member_profile(i)


def _age(i: int) -> timedelta:
    """How long ago demo topic number i started: within eighteen months, more of them recent."""
    fraction = random.Random(i).random() ** 2
    return timedelta(days=540 * fraction, minutes=i % 600)


@cache
def _render_paragraph(paragraph: str) -> tuple[str, str]:
    html = render_post(paragraph)
    return html, search.plain_text(html)


def _render(paragraphs: list[str]) -> tuple[str, str, str]:
    """Markdown, HTML and plain text of a post made of separate paragraphs (blocks render
    alone the same as together, so each distinct paragraph is rendered once)."""
    parts = [_render_paragraph(p) for p in paragraphs]
    return (
        "\n\n".join(paragraphs),
        "".join(html for html, _ in parts),
        " ".join(text for _, text in parts),
    )


def verify_email(user: User) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _batches(items: range, *, desc: str, size: int = 500):
    """Slices of `items`, with a progress bar when there are many."""
    with tqdm(total=len(items), desc=desc, disable=len(items) < 1000) as progress:
        for start in range(0, len(items), size):
            batch = items[start : start + size]
            yield batch
            progress.update(len(batch))


CATEGORIES = [
    (
        "announcements",
        "Announcements",
        "News about the community from the team.",
        {"announcements": True},
    ),
    (
        "workforce-planning",
        "Workforce planning",
        "Forecasting, scheduling, shrinkage and real-time management.",
        {},
    ),
    (
        "wfm-tools",
        "WFM tools",
        "Which workforce-management tools work, and how to get the most from them.",
        {"parent": "workforce-planning"},
    ),
    (
        "quality-and-coaching",
        "Quality and coaching",
        "Call evaluation, calibration, feedback and coaching that sticks.",
        {},
    ),
    (
        "customer-experience",
        "Customer experience",
        "CSAT, NPS, first-contact resolution and what customers actually want.",
        {},
    ),
    (
        "technology",
        "Technology",
        "Telephony, CCaaS, chat, bots and the CRM that holds it all together.",
        {},
    ),
    ("careers", "Careers and wellbeing", "Growing in the job, and staying well doing it.", {}),
    (
        "moderators",
        "Moderators' room",
        "Where the moderators agree on how to handle tricky threads.",
        {"staff_only": True},
    ),
]
