"""The members' personal data held by the forums app (see privacy/registry.py)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, F, OuterRef, Q, When

from privacy.registry import (
    EVERY_OTHER,
    Declaration,
    Erasure,
    LegalBasis,
    Retention,
    describe_members,
    keyed_hash,
    register,
)

from .models import (
    ErasedUsername,
    Mention,
    ModerationAction,
    Post,
    Report,
    SignIn,
    Topic,
    TopicParticipant,
    TopicRead,
    User,
)
from .pagecache import forum_changed
from .posting import delete_posts, forget_member

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
        erase_after=[EVERY_OTHER],  # the other erasers find the member through the account
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
                    f"first and has {settings.RETENTION_INACTIVE_WARNING_DAYS} days to sign in."
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
        erase_after=[EVERY_OTHER],  # the other erasers find the member through the account
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
        retention=[
            Retention(
                key="unverified-email-addresses",
                setting="RETENTION_UNVERIFIED_EMAIL_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: EmailAddress.objects.filter(
                    verified=False, primary=False, added__created__lt=cutoff
                ),
                description="An address added to an account and never verified.",
            )
        ],
    )
)

register(
    Declaration(
        key="two-factor",
        name="Two-factor authentication",
        model=Authenticator,
        fields=["user", "data", "created_at", "last_used_at"],
        description=(
            "Your authenticator app's secret, your passkeys' and security keys' public keys "
            "and names, and your recovery codes, if you set them up."
        ),
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
        staff_permission="forums.view_ip_address",  # the whole record: it says where you were
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


# Forum content and what goes with it (issue 3). Order matters on erasure: the IP addresses and
# edits are found through `author` before the posts eraser deletes them or clears `author`.


def _posts(person):
    return person.rows(Post.objects.all(), user_field="author")


def _as_seen_by(person, field: str, topic: str = "topic"):
    """`field` of a topic (reached through `topic`, "pk" for a Topic) when the member may see that
    topic now, else None. What they wrote is theirs; a title or category name follows the pages'
    visibility rule, since staff may have moved the topic into a staff-only category or hid it."""
    visible = Topic.objects.visible_to(person.user or AnonymousUser()).values("pk")
    path = field if topic == "pk" else f"{topic}__{field}"
    return Case(When(**{f"{topic}__in": visible}, then=F(path)), default=None)


register(
    Declaration(
        key="post-ip-addresses",
        name="IP addresses of your posts",
        model=Post,
        fields=["ip_address"],
        description="The IP address each of your posts was written from.",
        purpose="Security: tracing abuse such as spam waves. Never used to identify visitors.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Administrators with the permission to see IP addresses; never moderators.",
        staff_permission="forums.view_ip_address",
        export=lambda person: (
            _posts(person).exclude(ip_address=None).values("id", "created", "ip_address")
        ),
        erasure=Erasure.anonymise(_posts, ip_address=None),
        retention=[
            Retention(
                key="post-ip-addresses",
                setting="RETENTION_IP_ADDRESS_DAYS",
                action=Retention.CLEAR,
                changes={"ip_address": None},
                expired=lambda cutoff: Post.objects.filter(
                    created__lt=cutoff, ip_address__isnull=False
                ),
                description="The IP address a post was written from.",
            )
        ],
    )
)


def _erase_edits(person, keep_posts):
    if person.user is None:
        return 0
    return Post.objects.filter(edited_by=person.user).update(edited_by=None)


register(
    Declaration(
        key="post-edits",
        name="Edits you made",
        model=Post,
        fields=["edited_by"],
        description="Which posts you edited, and when.",
        purpose="Showing readers that a post was changed after it was written.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Everyone who can read the post.",
        export=lambda person: person.rows(Post.objects.all(), user_field="edited_by").values(
            "id", "edited"
        ),
        erasure=Erasure(Erasure.ANONYMISE, _erase_edits),
    )
)


def _erase_posts(person, keep_posts):
    """Kept as "a former member" (threads stay readable), or deleted with their counts fixed.
    Then other members' quotes and mentions of them stop naming them."""
    if person.user is None:
        return 0
    forum_changed()  # QuerySet.update() sends no signal: refresh what visitors see
    if keep_posts:
        changed = _posts(person).update(author=None)
    else:
        changed = delete_posts(_posts(person))
    return changed + forget_member(person.user.username, posts_removed=not keep_posts)


register(
    Declaration(
        key="forum-posts",
        name="Your forum posts",
        model=Post,
        erase_after=["post-ip-addresses", "post-edits"],  # they find the posts by author
        fields=["author", "source", "html"],
        description="Everything you wrote in the forums, with when you wrote it.",
        purpose="Taking part in the community: your posts are what you share with members.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Everyone who can read the forum (public categories are public).",
        export=lambda person: _posts(person).values(
            "id",
            "created",
            "edited",
            "source",
            "hidden",
            topic_title=_as_seen_by(person, "title"),
        ),
        erasure=Erasure(
            Erasure.DELETE,
            _erase_posts,
            "Deleted, or kept without your name (\u201ca former member\u201d) if you choose. "
            "Other members' quotes and mentions of you then say \u201ca former member\u201d; "
            "passages quoted from posts that were deleted are taken out.",
        ),
    )
)


def _erase_topics(person, keep_posts):
    """A topic holds other members' replies: it stays, without its starter's name. A topic with
    no other posts left goes when the member's posts go."""
    topics = person.rows(Topic.objects.all(), user_field="author")
    forum_changed()
    if not keep_posts:
        topics.filter(posts__isnull=True).delete()
    return topics.update(author=None)


register(
    Declaration(
        key="forum-topics",
        name="Topics you started",
        model=Topic,
        erase_after=["forum-posts"],  # a topic left without posts goes
        fields=["author", "title", "slug"],
        description="The titles of the topics you started.",
        purpose="Taking part in the community.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Everyone who can read the forum.",
        export=lambda person: person.rows(Topic.objects.all(), user_field="author").values(
            "id",
            "created",
            topic_title=_as_seen_by(person, "title", topic="pk"),
            category_name=_as_seen_by(person, "category__name", topic="pk"),
        ),
        erasure=Erasure(
            Erasure.ANONYMISE,
            _erase_topics,
            "Topics hold other members' replies, so they stay without your name.",
        ),
    )
)

register(
    Declaration(
        key="topic-participation",
        name="Topics you take part in",
        model=TopicParticipant,
        fields=["user", "topic", "emailed"],
        description="The topics you posted in, and whether we emailed you about a reply since "
        "your last visit.",
        purpose="Sending at most one reply notification per topic until you visit it (P11).",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Nobody outside the site.",
        export=lambda person: person.rows(TopicParticipant.objects.all()).values(
            "emailed", topic_title=_as_seen_by(person, "title")
        ),
        erasure=Erasure.delete(lambda person: person.rows(TopicParticipant.objects.all())),
    )
)

register(
    Declaration(
        key="mentions",
        name="Posts that mentioned you",
        model=Mention,
        fields=["user", "post", "created", "emailed"],
        description="Posts that named you with @username, and when we emailed you about them.",
        purpose="Telling you once, and not again when the post is edited; at most one email "
        "per topic until you visit it (P11). Kept as long as the post.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Nobody outside the site.",
        export=lambda person: person.rows(Mention.objects.all()).values(
            "created", "emailed", topic_title=_as_seen_by(person, "title", "post__topic")
        ),
        erasure=Erasure.delete(lambda person: person.rows(Mention.objects.all())),
    )
)

register(
    Declaration(
        key="topic-reads",
        name="What you have read",
        model=TopicRead,
        fields=["user", "topic", "last_read_position", "updated"],
        description="For each topic you opened, how far you have read it and when you last "
        "visited it.",
        purpose="Showing you what is new in a topic since your last visit (unread markers).",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Nobody: not even other members see what you have read.",
        export=lambda person: person.rows(TopicRead.objects.all()).values(
            "last_read_position", "updated", topic_title=_as_seen_by(person, "title")
        ),
        erasure=Erasure.delete(lambda person: person.rows(TopicRead.objects.all())),
        retention=[
            Retention(
                key="topic-reads",
                setting="RETENTION_TOPIC_READ_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: TopicRead.objects.filter(updated__lt=cutoff),
                description="How far you read a topic you have not opened again since.",
            )
        ],
    )
)

register(
    Declaration(
        key="reply-notifications",
        name="Reply and mention notification settings",
        model=User,
        erase_after=[EVERY_OTHER],  # the other erasers find the member through the account
        fields=["notify_replies", "notify_mentions"],
        description="Whether we email you when someone replies in a topic you posted in, and "
        "when a post mentions you (@username).",
        purpose="Service email you can switch off at any time (P11).",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Nobody outside the site.",
        export=lambda person: _member(person).values("notify_replies", "notify_mentions"),
        erasure=Erasure.anonymise(_member, notify_replies=False, notify_mentions=False),
    )
)


def _erase_reports(person, keep_posts):
    if person.user is None:
        return 0
    made = Report.objects.filter(reporter=person.user).update(reporter=None)
    return made + Report.objects.filter(resolved_by=person.user).update(resolved_by=None)


register(
    Declaration(
        key="post-reports",
        name="Posts you reported",
        model=Report,
        fields=["reporter", "reason", "resolved_by"],
        description="Reports you sent to the moderators, with your reason.",
        purpose="Moderating the forums: moderators act on reports.",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Moderators and administrators. The post's author never sees who reported.",
        export=lambda person: person.rows(Report.objects.all(), user_field="reporter").values(
            "post_id", "reason", "created", "status"
        ),
        erasure=Erasure(
            Erasure.ANONYMISE,
            _erase_reports,
            "The report stays for the moderation record, without your name.",
        ),
        retention=[
            Retention(
                key="resolved-reports",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Report.objects.filter(resolved__lt=cutoff),
                description="A report after it was dealt with.",
            ),
            Retention(
                key="open-reports",
                setting="RETENTION_OPEN_REPORT_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Report.objects.filter(
                    status=Report.Status.OPEN, created__lt=cutoff
                ),
                description="A report never dealt with, counted from when it was made.",
            ),
        ],
    )
)

register(
    Declaration(
        key="moderation-log",
        name="Moderation log",
        model=ModerationAction,
        fields=["moderator", "reason", "detail"],
        description="For moderators: each moderation action you took, when and why.",
        purpose="Accountability of moderators (P7).",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Administrators.",
        export=lambda person: person.rows(
            ModerationAction.objects.all(), user_field="moderator"
        ).values("action", "topic_id", "post_id", "reason", "detail", "created"),
        erasure=Erasure.keep("An audit record of staff actions, kept under P18."),
        retention=[
            Retention(
                key="moderation-log",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: ModerationAction.objects.filter(created__lt=cutoff),
                description="A moderation log entry.",
            )
        ],
    )
)


def _erased_usernames(person):
    if person.user is None:
        return ErasedUsername.objects.none()
    return ErasedUsername.objects.filter(username_hash=keyed_hash(person.user.username))


def _reserve_username(person, keep_posts):
    if person.user is None:
        return 0
    _, created = ErasedUsername.objects.get_or_create(
        username_hash=keyed_hash(person.user.username)
    )
    return int(created)


register(
    Declaration(
        key="erased-usernames",
        name="Usernames of erased accounts",
        model=ErasedUsername,
        fields=["username_hash"],
        description=(
            "When an account is erased, a keyed hash of its username (not the name itself), "
            "so nobody can join under it."
        ),
        purpose=(
            "Nobody can be taken for the \u201cformer member\u201d that old quotes and "
            "mentions refer to."
        ),
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        recipients="Nobody outside the site.",
        export=lambda person: _erased_usernames(person).values("erased"),
        erasure=Erasure(
            Erasure.KEEP,
            _reserve_username,
            "Erasure adds it: a keyed hash of your username, kept as long as the record of "
            "your request.",
        ),
        retention=[
            Retention(
                key="erased-usernames",
                setting="RETENTION_OPERATIONAL_RECORD_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: ErasedUsername.objects.filter(erased__lt=cutoff),
                description="The reservation of an erased member's username.",
            )
        ],
    )
)


describe_members(
    lambda user: {
        "name": user.public_name,
        "email": user.email,
        "company": user.company,
        "job_title": user.job_title,
    }
)
