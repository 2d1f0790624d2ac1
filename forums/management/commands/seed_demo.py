"""Demo data for a developer's machine: an admin with a second factor, members, categories,
topics and posts.

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
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from forums import search
from forums.markup import render_post
from forums.models import Category, Post, Topic, TopicParticipant, User
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
        parser.add_argument("--members", type=int, default=len(MEMBER_PROFILES))
        parser.add_argument("--topics", type=int, default=len(TOPIC_TITLES))
        parser.add_argument(
            "--posts", type=int, default=60, help="Posts in all, first posts included."
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

    def seed_categories(self) -> None:
        for position, (slug, name, description, flags) in enumerate(CATEGORIES):
            Category.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": description,
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
        categories = list(Category.objects.filter(staff_only=False, announcements=False))
        if not authors or not categories:
            return
        now = timezone.now()
        start = Topic.objects.count()
        for batch in _batches(range(start, start + missing), desc="topics"):
            with transaction.atomic():
                topics = Topic.objects.bulk_create(
                    Topic(
                        category=categories[i % len(categories)],
                        author=authors[i % len(authors)],
                        title=(title := _topic_title(i)),
                        slug=topic_slug(title),
                        created=now,
                        last_activity=now,
                    )
                    for i in batch
                )
                self.add_posts([(topic, topic.author) for topic in topics])

    def seed_replies(self, count: int) -> None:
        missing = count - Post.objects.count()
        topics = list(Topic.objects.filter(hidden=False, locked=False).order_by("pk"))
        authors = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk"))
        if missing <= 0 or not topics or not authors:
            return
        start = Post.objects.count()
        for batch in _batches(range(start, start + missing), desc="posts"):
            with transaction.atomic():
                self.add_posts(
                    [
                        (topics[(i * 7) % len(topics)], authors[(i * 3) % len(authors)])
                        for i in batch
                    ]
                )

    @staticmethod
    def add_posts(pairs: list[tuple[Topic, User]]) -> None:
        """Bulk-add one post per (topic, author), keeping positions and counters right."""
        topic_ids = {topic.pk for topic, _ in pairs}
        last_positions = dict(
            Topic.objects.filter(pk__in=topic_ids)
            .annotate(top=Max("posts__position"))
            .values_list("pk", "top")
        )
        now = timezone.now()
        new_posts = []
        for n, (topic, author) in enumerate(pairs):
            position = (last_positions[topic.pk] or 0) + 1
            last_positions[topic.pk] = position
            source = _post_text(n + topic.pk)
            new_posts.append(
                Post(
                    topic=topic,
                    author=author,
                    position=position,
                    source=source,
                    html=render_post(source),
                    created=now,
                )
            )
        Post.objects.bulk_create(new_posts)
        TopicParticipant.objects.bulk_create(
            [TopicParticipant(topic=post.topic, user=post.author) for post in new_posts],
            ignore_conflicts=True,
        )
        last_post = {post.topic.pk: post for post in new_posts}
        topics = []
        for topic_id, post in last_post.items():
            topic = post.topic
            topic.last_position = last_positions[topic_id]
            topic.reply_count = last_positions[topic_id] - 1
            topic.last_post = post
            topic.last_activity = post.created
            topics.append(topic)
        Topic.objects.bulk_update(
            topics, ["last_position", "reply_count", "last_post", "last_activity"]
        )
        for category in Category.objects.filter(topics__in=topic_ids).distinct():
            recount_category(category)
        search.index_posts([post.pk for post in new_posts])

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

TOPIC_TITLES = [
    "How do you forecast for a product launch with no history?",
    "Shrinkage assumptions: what do you use for training and meetings?",
    "Calibration sessions that do not turn into arguments",
    "Moving from AHT targets to quality targets: did it work?",
    "Which CCaaS platform are you on, and would you choose it again?",
    "Coaching remote agents: what has worked for you?",
    "Real-time adherence: how strict is too strict?",
    "First-contact resolution: how do you measure it honestly?",
    "Chatbots that hand over to a human gracefully",
    "Team leader to operations manager: advice welcome",
    "Handling abusive callers: policies and support for agents",
    "Erlang C still good enough for chat queues?",
]

PARAGRAPHS = [
    "We tried this last year across three sites. The first month was rough, but once the team "
    "leaders owned the numbers it settled down.",
    "In our centre the biggest win was **sharing the forecast** with the floor, so agents could "
    "see why breaks moved.",
    "I would start small: one queue, one team, four weeks. Measure before and after, and ask the "
    "agents what changed for them.",
    "We use a blend: historical volumes for the baseline, and marketing's calendar for the "
    "spikes. It is never perfect.",
    "Have a look at [the COPC guidance](https://www.copc.com/) on this, it helped us frame the "
    "conversation with finance.",
    "Honestly, the tool mattered less than the process. _Agree the definitions first._",
    "Our quality form went from 40 questions to 12 and calibration got much easier.",
    "Does anyone have numbers on how long it takes new starters to reach full proficiency?",
    "> Measure what matters to the customer, not what is easy to count.\n\nThis has been our "
    "motto for two years now.",
    "We schedule a 15-minute huddle at the start of each shift; attendance is paid time and it "
    "shows in the adherence figures.",
]


def _topic_title(i: int) -> str:
    title = TOPIC_TITLES[i % len(TOPIC_TITLES)]
    return title if i < len(TOPIC_TITLES) else f"{title} (#{i // len(TOPIC_TITLES) + 1})"


def _post_text(n: int) -> str:
    first = PARAGRAPHS[n % len(PARAGRAPHS)]
    second = PARAGRAPHS[(n * 3 + 1) % len(PARAGRAPHS)]
    return f"{first}\n\n{second}"
