from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from community.validators import validate_single_line
from privacy.registry import keyed_hash

from .querysets import CategoryQuerySet, PostQuerySet, TopicQuerySet

POSTS_PER_PAGE = 20
TOPICS_PER_PAGE = 25
POST_MAX_LENGTH = 20000
# The authenticators that count as a staff member's second factor (P7).
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


class UsernameValidator(RegexValidator):
    regex = r"^[A-Za-z0-9._-]+\Z"
    message = "Use only letters, digits and the characters - _ . in your username."
    flags = 0


def validate_not_erased(username: str) -> None:
    """Sign-up (allauth runs the field's validators) and every form that changes a username."""
    if ErasedUsername.objects.filter(username_hash=keyed_hash(username)).exists():
        raise ValidationError("That username is not available.", code="reserved")


class User(AbstractUser):
    """A member. Everything beyond username, email and password is optional (P1)."""

    username = models.CharField(
        "username",
        max_length=30,
        unique=True,
        help_text="3 to 30 characters: letters, digits and - _ . only.",
        validators=[UsernameValidator(), validate_not_erased],
        error_messages={"unique": "That username is already taken."},
    )
    email = models.EmailField("email address", max_length=254)
    # The profile: optional, public on the member's profile page, clearable at any time.
    display_name = models.CharField(max_length=60, blank=True, validators=[validate_single_line])
    job_title = models.CharField(max_length=80, blank=True)
    company = models.CharField(max_length=80, blank=True)
    location = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    # Service email, separate from marketing (P11): on by default, off in one click.
    notify_replies = models.BooleanField(
        "email me when someone replies to a topic I posted in", default=True
    )
    notify_mentions = models.BooleanField(
        "email me when someone mentions me in a post (@username)", default=True
    )

    # AbstractUser's first/last names are not asked for: the profile's display name replaces them.
    first_name = None
    last_name = None

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        # The retention rules for unverified and inactive accounts filter on these.
        indexes = [
            models.Index(fields=["last_login"], name="user_last_login"),
            models.Index(fields=["date_joined"], name="user_date_joined"),
        ]

    def __str__(self) -> str:
        return self.username

    @cached_property
    def has_second_factor(self) -> bool:
        """Set up, so allauth asks for it at every sign-in."""
        return is_mfa_enabled(self, types=SECOND_FACTORS)

    # Every permission is a staff power, and staff act only with a second factor (P7): on the
    # site as in the admin, a staff member without one counts as a member.
    def has_perm(self, perm, obj=None) -> bool:
        return self.has_second_factor and super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self.has_second_factor and super().has_module_perms(app_label)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("account_overview")


class ErasedUsername(models.Model):
    """The username of an erased member, reserved as a keyed hash (never the name) for as long
    as the record of the erasure is kept, so a newcomer who took it could not be taken for the
    "former member" of old threads (P13)."""

    username_hash = models.CharField(max_length=64, unique=True, editable=False)
    erased = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Erased username #{self.pk}"


class EmailAddressAdded(models.Model):
    """When an address was added to an account (allauth's EmailAddress has no date), so an
    address never verified can be deleted after its period (P17)."""

    address = models.OneToOneField(EmailAddress, on_delete=models.CASCADE, related_name="added")
    created = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Address #{self.address_id} added {self.created:%Y-%m-%d}"


class SignIn(models.Model):
    """One successful sign-in, kept for the member's security (P6)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "-created"])]
        verbose_name = "sign-in"

    def __str__(self) -> str:
        return f"{self.user} at {self.created:%Y-%m-%d %H:%M}"


# Category colours staff can start from: each is dark enough for white text on it and light
# enough to tell apart on a dark page.
CATEGORY_PALETTE = [
    "#1f6feb",
    "#2f855a",
    "#b7791f",
    "#c53030",
    "#6b46c1",
    "#2c7a7b",
    "#b83280",
    "#4a5568",
]


class ColourValidator(RegexValidator):
    regex = r"^#[0-9a-fA-F]{6}\Z"
    message = "Give the colour as # and six hexadecimal digits, for example #1f6feb."


class Category(models.Model):
    """A forum. Counts and the last post are kept on the row so pages never recount."""

    name = models.CharField(max_length=80, validators=[validate_single_line])
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text="One short sentence shown under the name: what belongs here.",
    )
    colour = models.CharField(
        max_length=7,
        default=CATEGORY_PALETTE[0],
        validators=[ColourValidator()],
        help_text="Shown as a small square beside the name, for example #1f6feb.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    staff_only = models.BooleanField(
        default=False, help_text="Only moderators and staff can see this category."
    )
    announcements = models.BooleanField(
        default=False, help_text="Only moderators and staff can start topics here."
    )
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("category", args=[self.slug])


class Topic(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="topics")
    # In the subject of every reply notification.
    title = models.CharField(max_length=150, validators=[validate_single_line])
    slug = models.SlugField(max_length=160, allow_unicode=False)
    # A former member's topics stay, without their name (P13).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="topics"
    )
    created = models.DateTimeField(default=timezone.now)
    last_activity = models.DateTimeField(default=timezone.now)
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    # Page views, counted without cookies or any record of who viewed (forums.views).
    view_count = models.PositiveIntegerField(default=0, editable=False)
    # Positions of posts are handed out from here, so a post's page is known without counting.
    last_position = models.PositiveIntegerField(default=0, editable=False)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_activity"]
        indexes = [
            models.Index(
                fields=["category", "-pinned", "-last_activity"],
                condition=models.Q(hidden=False),
                name="topic_listing",
            ),
            models.Index(
                fields=["-last_activity"], condition=models.Q(hidden=False), name="topic_latest"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topic", args=[self.pk, self.slug])

    @property
    def page_count(self) -> int:
        return max(1, -(-self.last_position // POSTS_PER_PAGE))


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    position = models.PositiveIntegerField(editable=False)
    source = models.TextField("message", max_length=POST_MAX_LENGTH)
    html = models.TextField(editable=False)
    created = models.DateTimeField(default=timezone.now)
    edited = models.DateTimeField(null=True, blank=True, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    hidden = models.BooleanField(default=False)
    # Kept for security only, shown only with forums.view_ip_address (P6).
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    # Filled on PostgreSQL only (forums.search); on SQLite search falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        permissions = [("view_ip_address", "Can see IP addresses (of posts and sign-ins)")]
        constraints = [
            models.UniqueConstraint(fields=["topic", "position"], name="post_position_unique")
        ]
        indexes = [
            models.Index(fields=["author", "-created"], name="post_author_recent"),
            GinIndex(fields=["search_vector"], name="post_search"),
            # The IP address retention rule: only posts still holding one, so it stays small.
            models.Index(
                fields=["created"],
                condition=models.Q(ip_address__isnull=False),
                name="post_ip_address_retention",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.topic_id}"

    def get_absolute_url(self) -> str:
        url = reverse("topic", args=[self.topic_id, self.topic.slug])
        return f"{url}?page={self.page}#post-{self.pk}"

    @property
    def page(self) -> int:
        return (self.position - 1) // POSTS_PER_PAGE + 1


class TopicParticipant(models.Model):
    """A member who posted in a topic; `emailed` is set when a reply notification goes out and
    cleared when they visit the topic again, so they get one email per topic, not one per post."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_participations"
    )
    emailed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="participant_unique")]
        indexes = [models.Index(fields=["user"], name="participant_user")]

    def __str__(self) -> str:
        return f"{self.user} in topic {self.topic_id}"


class Mention(models.Model):
    """A member named with @username in a post who was told of it (forums.mentions): one row
    per post and member, so an edited post never tells them twice. `emailed` is when the email
    went; empty when it was left out because they already had one about the topic since their
    last visit (one email per topic until they visit it, as for replies)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created = models.DateTimeField(default=timezone.now)
    emailed = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="mention_unique")]
        indexes = [models.Index(fields=["user", "emailed"], name="mention_user_emailed")]

    def __str__(self) -> str:
        return f"{self.user} mentioned in post {self.post_id}"


class TopicRead(models.Model):
    """How far a member has read a topic: the highest post position they have been shown, so
    topic lists can show what is new since their last visit (as Discourse does). One row per
    member and topic they opened; nothing about when or how often beyond the last update."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_reads"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    last_read_position = models.PositiveIntegerField(default=0)
    # The retention rule deletes rows not updated for RETENTION_TOPIC_READ_DAYS.
    updated = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_read_unique")]

    def __str__(self) -> str:
        return f"Read up to post {self.last_read_position} of topic {self.topic_id}"


class Report(models.Model):
    """A member's report of a post, waiting in the moderation queue."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Post hidden"
        DISMISSED = "dismissed", "Dismissed"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reason = models.TextField(max_length=1000)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["resolved"], name="report_resolved")]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(status="open"),
                name="report_one_open_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on post {self.post_id}"


class ModerationAction(models.Model):
    """Who did what to which topic or post, when and why (P7). Kept as an audit record (P18)."""

    class Action(models.TextChoices):
        PIN = "pin", "Pinned topic"
        UNPIN = "unpin", "Unpinned topic"
        LOCK = "lock", "Locked topic"
        UNLOCK = "unlock", "Unlocked topic"
        HIDE_TOPIC = "hide_topic", "Hid topic"
        UNHIDE_TOPIC = "unhide_topic", "Unhid topic"
        MOVE = "move", "Moved topic"
        HIDE_POST = "hide_post", "Hid post"
        UNHIDE_POST = "unhide_post", "Unhid post"
        DISMISS_REPORT = "dismiss_report", "Dismissed report"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    topic = models.ForeignKey(Topic, null=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(Post, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.moderator} at {self.created:%Y-%m-%d %H:%M}"
