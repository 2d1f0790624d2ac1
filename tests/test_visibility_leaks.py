"""Nothing leaks sideways (the class test): every email that carries content, every entry of the
forum pages' shared cache and every export is checked against the forum's visibility rule, on a
forum with moved, hidden and staff-only content, read by a moderator, and by a visitor and a
member with an odd query string before other readers."""

import html
import inspect
import re
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from community.celery import app as celery_app
from forums import moderation, pagecache
from forums.models import Category, Post, Topic, User
from privacy import registry

from .factories import CategoryFactory, ModeratorFactory, PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

ODD_QUERY = "utm_id=tracker-4711&pad=" + "p" * 4096 + "&q=%3Cscript%3Eodd()%3C/script%3E"
ODD_MARKERS = ("tracker-4711", "p" * 4096, "<script>odd()", "odd()")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Tasks whose argument is not forum content, with why their emails carry none: each sends a
# person their own request, export, confirmation link or policy notice, or a newsletter written
# by staff, or the notice staff wrote to the people affected by a breach.
NOT_FORUM_CONTENT = {
    *("export_id", "request_id", "policy_id", "newsletter_id", "email", "text_id"),
    "breach_id",
    *("registration_id", "kind"),  # events: one email about one registration, to its person
}
# Paid tickets: a buyer's own order, its refund and credit note (forums/events/order_tasks.py).
NOT_FORUM_CONTENT |= {"order_id", "credit_note_id"}
# Tasks called with each post's id: what the forum's content emails start from.
CONTENT_ARGUMENTS = {"post_id"}


@pytest.fixture
def forum(django_capture_on_commit_callbacks):
    """A member's content, then staff moving, hiding and discussing it. Every title and post text
    is unique, so any of them can be looked for in an email, a page or an export."""
    public, secret = CategoryFactory(), CategoryFactory(staff_only=True, name="Staff room")
    member, other = UserFactory(), UserFactory()
    staff = ModeratorFactory(second_factor=True)  # staff-only content needs a second factor

    moved = TopicFactory(
        author=member, category=public, title="Title moved away", source="Member's own words"
    )
    hidden_topic = TopicFactory(
        author=other, category=public, title="Title of a hidden topic", source="Other's opening"
    )
    PostFactory(topic=hidden_topic, author=member, source="Member's words in a hidden topic")
    with_hidden_reply = TopicFactory(
        author=member, category=public, title="Title in the open", source="Member's question"
    )
    hidden_reply = PostFactory(topic=with_hidden_reply, author=other, source="Other's hidden words")
    visible = TopicFactory(
        author=member, category=public, title="Title everyone sees", source="Member's tip"
    )
    PostFactory(topic=visible, author=other, source="Other's words everyone sees")

    PostFactory(topic=moved, author=other, source="Other's words before the move")
    # Readers see the forum before staff act, so its pages are in the cache.
    walk_as_readers()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.move_topic(moved, secret, moderator=staff)
        moderation.moderate_topic(hidden_topic, moderation.Action.HIDE_TOPIC, moderator=staff)
        moderation.set_post_hidden(hidden_reply, True, moderator=staff)
        PostFactory(topic=moved, author=staff, source="Staff discussion of the member")
        # A mention in the staff room emails nobody who cannot read it (forums.mentions).
        PostFactory(topic=moved, author=staff, source=f"Staff ask @{member.username} nothing")
        TopicFactory(
            author=staff, category=secret, title="Staff-only title", source="Staff-only words"
        )
    return member


def texts():
    """Every title and post text in the forum, with what it belongs to."""
    return [(topic.title, topic) for topic in Topic.objects.all()] + [
        (post.source, post) for post in Post.objects.all()
    ]


def can_see(user, thing) -> bool:
    return type(thing).objects.visible_to(user).filter(pk=thing.pk).exists()


def hidden_from(user, content: str) -> list[str]:
    content = html.unescape(content)
    return [text for text, thing in texts() if text in content and not can_see(user, thing)]


def forum_urls() -> list[str]:
    """Every forum page, and every feed (what a feed reader gets, shared by its address)."""
    return (
        ["/", "/search/?q=words", "/feeds/latest/"]
        + [c.get_absolute_url() for c in Category.objects.all()]
        + [f"{c.get_absolute_url()}feed/" for c in Category.objects.all()]
        + [t.get_absolute_url() for t in Topic.objects.all()]
        + [f"{t.get_absolute_url()}feed/" for t in Topic.objects.all()]
        + [f"/u/{u.username}/" for u in User.objects.all()]
    )


FIRST_READER = "Zora First-Reader"


def walk_as_readers(moderator=None) -> list[str]:
    """Every forum page, read first by the moderator (who sees hidden and staff-only content),
    and by a visitor and a member with an odd query string; then by another visitor and another
    member, who must get nothing of the first readers' requests or pages and nothing they may
    not see. Returns what the pages' shared cache was given to keep (forums.pagecache), by the
    name it was kept under."""
    first, second = UserFactory(display_name=FIRST_READER), UserFactory()
    readers = {}
    for user in filter(None, (moderator, first, second)):
        readers[user] = Client()
        readers[user].force_login(user)
    kept = []
    share = pagecache.shared

    def shared(request, key, name, render, ahead=()):
        if pagecache.shared_version(request, key) is not None:  # kept for other readers
            kept.append((name, repr(render())))
        return share(request, key, name, render, ahead)

    with mock.patch.object(pagecache, "shared", shared):
        for url in forum_urls():
            joiner = "&" if "?" in url else "?"
            firsts = [Client(), readers[first]] + ([readers[moderator]] if moderator else [])
            for client in firsts:
                client.get(f"{url}{joiner}{ODD_QUERY}")
            # At the page's own address too, which a visitor's whole page is kept under: their
            # CSRF tokens (the cookie banner's forms, the member's) are theirs alone.
            tokens = set()
            for client in (Client(), readers[first]):
                tokens |= set(TOKEN.findall(client.get(url).content.decode()))
            for user in (AnonymousUser(), second):
                page = (readers.get(user) or Client()).get(url).content.decode()
                assert [token for token in tokens if token in page] == [], url
                assert [marker for marker in ODD_MARKERS if marker in page] == [], url
                assert hidden_from(user, page) == [], (url, user)
                assert FIRST_READER not in page or url in first_readers_profiles(), url
    return kept


def first_readers_profiles() -> set[str]:
    return {
        f"/u/{name}/"
        for name in User.objects.filter(display_name=FIRST_READER).values_list(
            "username", flat=True
        )
    }


def test_no_shared_cache_entry_holds_a_readers_request_or_what_others_may_not_see(forum):
    kept = walk_as_readers(ModeratorFactory(second_factor=True))
    assert any("Title in the open" in entry for _, entry in kept)  # the check bites
    # The first reader's own profile page shows their name to everyone.
    own_profiles = {
        f"member:{pk}"
        for pk in User.objects.filter(display_name=FIRST_READER).values_list("pk", flat=True)
    }
    for name, entry in kept:
        assert [marker for marker in ODD_MARKERS if marker in entry] == []
        assert hidden_from(AnonymousUser(), entry) == []
        assert FIRST_READER not in entry or name in own_profiles, name


def content_tasks():
    """Every task of the project, each either sending forum content or declared not to."""
    celery_app.loader.import_default_modules()
    for name, task in sorted(celery_app.tasks.items()):
        if name.startswith("celery."):
            continue
        arguments = set(inspect.signature(task.run).parameters)
        assert arguments <= CONTENT_ARGUMENTS | NOT_FORUM_CONTENT, name
        if not arguments or arguments <= CONTENT_ARGUMENTS:
            yield task, arguments


def test_no_email_carries_content_its_recipient_may_not_see(forum, mailoutbox):
    for task, arguments in content_tasks():
        if arguments:
            for post_id in Post.objects.order_by("pk").values_list("pk", flat=True):
                task(post_id)
        else:
            task()
    assert any("Other's words everyone sees" in m.body for m in mailoutbox)  # the check bites
    for email in mailoutbox:
        content = "\n".join(
            [email.subject, email.body] + [part for part, _ in getattr(email, "alternatives", [])]
        )
        for address in email.to:
            recipient = User.objects.filter(email__iexact=address).first() or AnonymousUser()
            assert hidden_from(recipient, content) == [], (address, email.subject)


def test_no_export_holds_what_the_person_may_not_see_now(forum):
    for subject in (forum, forum.email, "visitor@example.org"):
        person = registry.Person.of(subject)
        exported = repr([(d.key, list(records)) for d, records in registry.export(subject)])
        reader = person.user or AnonymousUser()
        leaked = [
            text
            for text, thing in texts()
            if text in exported
            and not can_see(reader, thing)
            and not (isinstance(thing, Post) and person.user and thing.author == person.user)
        ]
        assert leaked == [], subject


def test_the_forum_has_content_in_every_state_the_walks_look_for(forum):
    unseen = {text for text, thing in texts() if not can_see(forum, thing)}
    assert {
        "Title moved away",  # moved into a staff-only category
        "Staff discussion of the member",  # written there since
        "Title of a hidden topic",
        "Other's hidden words",  # a hidden post in a topic everyone sees
        "Staff-only title",
    } <= unseen
