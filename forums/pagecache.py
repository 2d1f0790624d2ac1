"""What the forum pages show is the same for visitors and members (all but moderators, who
also see what is hidden), so the rendered posts, topic lists and categories are cached under
version numbers that changes bump (after their transaction commits), and each reader's own parts
(reply, edit and report links, unread markers, the unread line) are added around them on each
request. Moderators' pages are rendered fresh. A page is also kept whole (page()): every visitor
who comes by the same address with the same cookie choices sees the same page but for the CSRF
token of the cookie banner's forms, and every member the same page but for their own parts
(or, for members with nothing of their own on it, no unread marker or post of theirs, with
those parts in it).

Each page is keyed by the versions of what it shows, so a change refreshes only the pages that
show it:
- a topic page: the topic's version;
- a category page: the category's version (its topics, their posters and counts);
- the home page: the home version (the latest topics and every category's counts and last post);
- a profile: the member's version (their location, bio, post count and recent posts).
A post or a topic in place bumps its topic, its category and the home page (and a post its
author's profile): a reply to topic A leaves topic B's page and the other categories' pages
cached. Everything else that visitors see
(names beside posts, categories, a topic or post moved, erasure, deletions) bumps the generation,
which is part of every key.

What is a member's own on those pages but comes from the database (their unread markers, how far
they read a topic) is kept for them too (own()), under the page's versions and their reads'
counter, which changes when they read further or a reply emails them (reads_changed()): a member
who loads a page again, with nothing new in it, costs no query at all (they come with their
session: forums.sessions)."""

import hashlib
import pickle
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cookie_consent.cache import all_cookie_groups
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject
from django.utils.html import conditional_escape, html_safe
from django.utils.safestring import SafeString

from community.frame import ISSUED_MIN_LENGTH
from privacy.cookies.choices import consents
from privacy.cookies.preferences import recent_searches
from privacy.cookies.wording import banner_text

from .querysets import can_moderate
from .templatetags.forum_tags import avatar

GENERATION_KEY = "forums:generation"
HOME_KEY = "forums:home"
TIMEOUT = 300  # also bounds staleness from changes made with QuerySet.update()
# Part of every shared entry's key: raise it when what is cached changes shape (ShownPost's
# fields, say), so that a deploy never reads entries pickled by the code before it.
FORMAT = 6
T = TypeVar("T")


def topic_key(pk: int) -> str:
    return f"forums:topic:{pk}"


def category_key(pk: int) -> str:
    return f"forums:category:{pk}"


def member_key(pk: int) -> str:
    return f"forums:member:{pk}"


def _start() -> int:
    """A first value for a lost (evicted, flushed) counter. Counting again from 1 would bring back
    pages cached under the old numbers, a post hidden since included; the clock in nanoseconds is
    above every number handed out before, as long as the counter moves less than once a
    nanosecond."""
    return time.time_ns()


def versions(*keys: str) -> list[int]:
    """The counters' values, one cache round trip when they are all set."""
    found = cache.get_many(keys)
    if missing := [key for key in keys if key not in found]:
        for key in missing:
            cache.add(key, _start(), timeout=None)
        found = cache.get_many(keys)
    return [found.get(key) or _start() for key in keys]


def generation() -> int:
    return versions(GENERATION_KEY)[0]


def _bump(*keys: str) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not set yet (or evicted)
            cache.add(key, _start(), timeout=None)


def bump_on_commit(*keys: str) -> None:
    """Move the counters once the current transaction commits (at once outside one): a page read
    before then would otherwise be kept under the new numbers."""
    transaction.on_commit(lambda: _bump(*keys))


def forum_changed(**kwargs) -> None:
    """Signal receiver and plain call: every visitor's page is refreshed once the change is
    committed."""
    bump_on_commit(GENERATION_KEY)


def topic_changed(topic_id: int, category_id: int, author_id: int | None = None) -> None:
    """A post or a topic changed in place: its topic's, its category's and the home page, and
    for a post its author's profile."""
    keys = (topic_key(topic_id), category_key(category_id), HOME_KEY)
    if author_id is not None:
        keys += (member_key(author_id),)
    bump_on_commit(*keys)


def member_changed(pk: int) -> None:
    """What only the member's profile page shows changed (their location or bio)."""
    bump_on_commit(member_key(pk))


def reads_key(pk: int) -> str:
    return f"forums:reads:{pk}"


def reads_changed(pk: int) -> None:
    """How far the member has read a topic, or whether a reply emailed them since their last
    visit, changed: what own() keeps for them is made again."""
    bump_on_commit(reads_key(pk))


def shared_version(request, key: str, *entries: str) -> str | None:
    """The cache version of what everyone but moderators sees of a page showing `key`; None for
    moderators, who also see hidden posts and topics and staff-only categories: their pages are
    rendered fresh. The shared `entries` the request is about to read (kept()) are read in the
    same round trip: a page costs one or two, however many parts it reads."""
    if can_moderate(request.user):
        return None
    return _version(request, (GENERATION_KEY, key), entries)


def _version(request, keys: tuple[str, ...], entries: tuple[str, ...]) -> str:
    """The counters `keys` as one version, read with `entries` (those not read yet)."""
    read = request.__dict__.setdefault("_forum_cache", {})
    if wanted := [name for name in (*keys, *entries) if name not in read]:
        found = cache.get_many(wanted)
        read.update({name: found.get(name) for name in wanted})
    if any(read[key] is None for key in keys):  # lost (evicted, flushed)
        read.update(zip(keys, versions(*keys), strict=True))
    return "-".join(str(read[key]) for key in keys)


MISSING = object()


def kept(request, entry: str, version: str):
    """What the shared cache holds under `entry` if it was made under `version` (an entry made
    before a change is never served), else MISSING."""
    read = request.__dict__.setdefault("_forum_cache", {})
    if entry not in read:
        read[entry] = cache.get(entry)
    made_under, value = read[entry] or (None, None)
    if made_under != version:
        return MISSING
    if isinstance(value, bytes):  # as keep() stores it
        value = pickle.loads(value)
        read[entry] = (made_under, value)
    return value


def keep(request, entry: str, version: str, value) -> None:
    """Kept pickled apart from its version: an entry read ahead with others (page_entries())
    that the page turns out not to need costs the round trip, not its unpickling."""
    cache.set(entry, (version, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)), TIMEOUT)
    request._forum_cache[entry] = (version, value)


def entry_for(name: str) -> str:
    return f"forums:{FORMAT}:{name}"


def own_key(pk: int) -> str:
    return entry_for(f"own:{pk}")


OWN_PAGES = 10  # the pages whose own parts are kept for a member (the last they opened)


def shared(request, key: str, name: str, render: Callable[[], T], ahead: tuple[str, ...] = ()) -> T:
    """`render()`, made once for everyone who sees the same (all but moderators) and cached
    under the version of `key`; `name` tells apart what is cached under the same version. The
    `ahead` entries (page_entries()) are read in the same round trip."""
    entry = entry_for(name)
    version = shared_version(request, key, entry, *ahead)
    if version is None:
        return render()
    value = kept(request, entry, version)
    if value is MISSING:
        value = render()
        keep(request, entry, version, value)
    return value


def own(request, key: str, name: str, render: Callable[[], T]) -> T:
    """`render()` for the signed-in member alone (their unread markers on page `name`, how far
    they had read its topic), kept for them under the versions of `key` and of their reads
    (reads_changed()): a member who loads a page again, with nothing new in it for them, costs
    no query. Moderators' are made each time, as their pages are. A member's are kept in one
    entry, which forget_reads() deletes."""
    version, value = _owned(request, key, name)
    if version is None:
        return render()
    if value is MISSING:
        value = render()
        entry = own_key(request.user.pk)
        pages = request._forum_cache[entry] or {}
        others = [(page, made) for page, made in pages.items() if page != name]
        pages = dict([*others[1 - OWN_PAGES :], (name, (version, value))])
        cache.set(entry, pages, TIMEOUT)
        request._forum_cache[entry] = pages
    return value


def unmarked(request, key: str, name: str) -> bool:
    """Whether what own() keeps for the member on page `name` is current and empty: no unread
    marker on a list. Such members share a page kept whole, their list in it (page()'s
    `plain`)."""
    return _owned(request, key, name)[1] == {}


def _owned(request, key: str, name: str) -> tuple[str | None, object]:
    """The version own() keeps the member's value for page `name` under (None for moderators,
    whose are not kept), and the value if it was made under it, else MISSING."""
    entry, reads = own_key(request.user.pk), reads_key(request.user.pk)
    version = shared_version(request, key, reads, entry)
    if version is None:
        return None, MISSING
    version = f"{version}-{_version(request, (reads,), ())}"
    made_under, value = (request._forum_cache[entry] or {}).get(name, (None, None))
    return version, (value if made_under == version else MISSING)


def forget_reads(pk: int) -> None:
    """What own() keeps for the member goes with their reads (an erasure, their retention)."""
    transaction.on_commit(lambda: cache.delete_many([own_key(pk), reads_key(pk)]))


# Where a page kept whole (page()) has what is each reader's own: letters, digits, dashes and
# underscores, which escaping leaves as they are, with a secret part nobody can write into a post.
HOLE_SECRET = SimpleLazyObject(lambda: salted_hmac("forums.pagecache", "holes").hexdigest()[:24])
HOLES = SimpleLazyObject(lambda: re.compile(rf"hole-([a-z_]+)-{HOLE_SECRET}"))


def hole(name: str) -> str:
    return f"hole-{name}-{HOLE_SECRET}"


def page(
    request,
    key: str,
    name: str,
    template: str,
    context: Callable[[], dict],
    canonical: bool,
    own: tuple[str, ...] = (),
    issued: dict[str, str] | None = None,
    plain: Callable[[], bool] | None = None,
):
    """`render(request, template, context())`, made once for every reader who sees the page the
    same way (visitors, or members but moderators; the same address, the same cookie choices),
    under the version of `key`, with each one's own parts put in: their CSRF token, and for a
    member their account menu, the context's `own` entries (their unread markers, the post
    actions for them), which must be written `{{ name }}` in the template, and the `issued`
    values a form on it prints (an anti-spam stamp), by name, found by value as in
    community.frame. A visitor's page is the same for every visitor but the token: their
    context is not even made.
    `canonical`: the address is the page's own (no query string but the page number as the page
    writes it), so that odd addresses cannot fill the cache; the others are rendered for the
    request. `plain()`: whether the member's `own` parts are those of a member with nothing of
    their own in them (no unread marker on a list, unmarked(); no unread line and no post of
    theirs on a topic's page); such members share a page kept with those parts in it, and
    their context is not made either."""
    member = request.user.is_authenticated
    reads = page_entries(request, name, canonical, own)
    version = shared_version(request, key, *reads) if reads else None
    if version is None:
        return HttpResponse(render_to_string(template, context(), request))
    as_everyone = member and own and plain is not None and plain()
    entry = reads[1] if as_everyone else reads[0]
    html = kept(request, entry, version)
    # One token for the page (and only then is the CSRF cookie set), as csrf_token is.
    token = SimpleLazyObject(lambda: get_token(request))
    issued = issued or {}
    own = () if as_everyone else own  # parts put in for each request
    values = context() if (member and own) or html is MISSING else {}
    parts = {**{part: values[part] for part in own}, **issued} if member else {}
    if member:
        parts["account_menu"] = account_menu(request.user, token)

    def own_part(found) -> str:
        return str(token) if found[1] == "csrf" else conditional_escape(parts[found[1]])

    if html is MISSING:
        # Empty parts are empty for every reader (what they are made from is shared).
        holes = {part: hole(part) for part, value in parts.items() if value and part not in issued}
        html = render_to_string(template, {**values, **holes, "csrf_token": hole("csrf")}, request)
        for part in issued if member else ():
            if len(parts[part]) < ISSUED_MIN_LENGTH:  # too short to be found only where it is
                return HttpResponse(HOLES.sub(own_part, html))
            html = html.replace(parts[part], hole(part))
        keep(request, entry, version, html)
    return HttpResponse(HOLES.sub(own_part, html))


MENU_HOLES = ("picture", "name", "csrf_token")


def account_menu(user, token) -> SafeString:
    """The member's account menu on a page kept whole: the template rendered once per process
    for staff and once for the other members (CACHES["frame"], as community.frame does) with
    holes for what is each member's own, their avatar, name and CSRF token, put in on each
    request. Rendering the template for each request cost more than the rest of a kept page."""
    frame = caches["frame"]
    key = f"forums.pagecache:account-menu:{user.is_staff}"
    menu = frame.get(key)
    if menu is None:
        holes = {name: hole(f"menu_{name}") for name in MENU_HOLES}
        menu = render_to_string("includes/member_menu.html", {"user": user, **holes})
        frame.set(key, menu, None)
    own = (avatar(user, 28), conditional_escape(user.public_name), conditional_escape(token))
    for name, value in zip(MENU_HOLES, own, strict=True):
        menu = menu.replace(hole(f"menu_{name}"), value)
    return SafeString(menu)


def page_entries(request, name: str, canonical: bool, own: tuple[str, ...]) -> tuple[str, ...]:
    """The shared entries page() reads for page `name` (none when the reader gets the page
    rendered for them): the whole page, and for a member with `own` parts the whole page for
    members with nothing of their own in them (page()'s `plain`) and what their parts come
    from, read by the context by the views' convention: the shared entry of the same name, and
    what own() keeps for them with its version. A view that reads its row first reads these with
    it: one round trip for both."""
    seen_as = _readers_view(request) if canonical else None
    if seen_as is None:
        return ()
    entry = entry_for(f"page:{name}:{seen_as}")
    if not (request.user.is_authenticated and own):
        return (entry,)
    pk = request.user.pk
    return (entry, f"{entry}:plain", entry_for(name), reads_key(pk), own_key(pk))


def _readers_view(request) -> str | None:
    """How a reader sees the page, as a key (worked out once per request): whether they are a
    member, the address and their cookie choices (which show the banner or a script); None for
    moderators and for a page with something of the reader's own on it outside its own parts (a
    message, their recent searches in the search box)."""
    if "_readers_view" not in request.__dict__:
        request._readers_view = _seen_as(request)
    return request._readers_view


def _seen_as(request) -> str | None:
    if request.method != "GET" or can_moderate(request.user):
        return None
    if len(get_messages(request)) or recent_searches(request):
        return None
    # The banner's wording and groups as well: a page cached before an edit never shows the old.
    answers = consents(request)
    banner = [banner_text().wording] + [
        (group.for_json(), answers[varname]) for varname, group in all_cookie_groups().items()
    ]
    seen_as = f"{request.user.is_authenticated}|{request.build_absolute_uri()}|{banner}"
    return hashlib.md5(seen_as.encode(), usedforsecurity=False).hexdigest()


READERS = ("visitor", "member", "author")  # what a post's actions depend on (post_actions.html)


@dataclass(frozen=True)
class ShownPost:
    """A post as a topic page shows it: `shown`, the start of its article (author, date, number
    and body), the same for everyone, and `actions`, the end of it for each kind of reader
    (READERS)."""

    pk: int
    position: int
    author_id: int | None
    hidden: bool
    shown: SafeString
    actions: dict[str, SafeString]


def shown_posts(topic, number: int, posts, csrf_token: str | None = None) -> list[ShownPost]:
    """The posts of page `number` of `topic` (a queryset), rendered for every kind of reader.
    With a CSRF token (a moderator's page, never shared) the actions include the moderation
    form."""
    shown = []
    for post in posts:
        context = {"post": post, "topic": topic, "page_number": number}
        actions = {**context, "can_moderate": csrf_token is not None, "csrf_token": csrf_token}
        shown.append(
            ShownPost(
                pk=post.pk,
                position=post.position,
                author_id=post.author_id,
                hidden=post.hidden,
                shown=render_to_string("forums/post_shown.html", context),
                actions={
                    reader: render_to_string(
                        "forums/post_actions.html", {**actions, "reader": reader}
                    )
                    for reader in READERS
                },
            )
        )
    return shown


def posts_for(user, posts: list[ShownPost], first_unread: int | None) -> SafeString:
    """The page's posts as `user` sees them, with the line above the first one they have not
    read: strings joined, nothing rendered per post for each reader."""
    parts = []
    member = user.pk if user.is_authenticated else None  # request.user is a lazy object
    for post in posts:
        if post.position == first_unread:
            parts.append(render_to_string("forums/unread_line.html"))
        if member is None:
            reader = "visitor"
        else:
            reader = "author" if post.author_id == member else "member"
        parts += (post.shown, post.actions[reader])
    return SafeString("".join(parts))


@dataclass
class ShownTopic:
    """A topic as a topic list shows it: `start`, the start of its item for a reader with no
    marker on it, and `end`, the rest (category, starter, posters, counts and last activity), the
    same for everyone; and the reader's unread markers, set on each request
    (forums.reading.mark_unread)."""

    pk: int
    title: str
    url: str
    created: datetime
    pinned: bool
    locked: bool
    hidden: bool
    start: SafeString = SafeString("")
    end: SafeString = SafeString("")
    unread_count: int = 0
    is_new: bool = False
    first_unread_url: str = ""

    def get_absolute_url(self) -> str:
        return self.url

    def item(self) -> SafeString:
        """The item as this reader sees it: its start rendered again only with a marker on it."""
        start = self.start
        if self.unread_count or self.is_new:
            start = render_to_string("forums/topic_item.html", {"topic": self})
        return SafeString(start + self.end)


@html_safe
@dataclass
class TopicList:
    """Topics as a list shows them, each item rendered once (ShownTopic), with the reader's
    unread markers set on each request. `{{ list }}` writes it as the reader sees it: only the
    marked items are rendered again."""

    topics: list[ShownTopic]

    def __len__(self) -> int:
        return len(self.topics)

    def __str__(self) -> str:
        items = SafeString("".join(topic.item() for topic in self.topics))
        return render_to_string("forums/topic_list.html", {"items": items})


def topic_list(topics, show_category: bool = False) -> TopicList:
    """The topics (with their `posters`, see forums.views.with_posters), rendered."""
    shown = []
    for topic in topics:
        listed = ShownTopic(
            pk=topic.pk,
            title=topic.title,
            url=topic.get_absolute_url(),
            created=topic.created,
            pinned=topic.pinned,
            locked=topic.locked,
            hidden=topic.hidden,
        )
        listed.start = render_to_string("forums/topic_item.html", {"topic": listed})
        listed.end = render_to_string(
            "forums/topic_item_end.html", {"topic": topic, "show_category": show_category}
        )
        shown.append(listed)
    return TopicList(shown)
