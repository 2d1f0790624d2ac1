"""The visitors' page cache: what invalidates it, and what it may hold."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import moderation, pagecache
from forums.models import Post
from forums.notifications import set_reply_notifications
from privacy import registry

from ..factories import CategoryFactory, ModeratorFactory, PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_lost_generation_counter_never_brings_back_pages_cached_before(
    django_capture_on_commit_callbacks,
):
    visitor = Client()
    post = PostFactory(source="Words a moderator will hide")
    url = post.topic.get_absolute_url()
    assert "Words a moderator will hide" in visitor.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.set_post_hidden(post, True, moderator=ModeratorFactory())
    assert "Words a moderator will hide" not in visitor.get(url).content.decode()
    cache.delete(pagecache.GENERATION_KEY)  # evicted
    assert "Words a moderator will hide" not in visitor.get(url).content.decode()


def test_one_visitors_query_string_is_never_served_to_the_next_visitor():
    post = PostFactory()
    url = post.topic.get_absolute_url()
    odd = "utm_id=tracker-4711&pad=" + "x" * 4096
    first = Client().get(f"{url}?{odd}").content.decode()
    assert "tracker-4711" not in first.split('id="reply"', 1)[1].split("</section>")[0]
    second = Client().get(url).content.decode()
    assert "tracker-4711" not in second and "x" * 4096 not in second
    assert f'/accounts/login/?next={url}"' in second


def generation_after(action, capture) -> int:
    with capture(execute=True):
        action()
    return pagecache.generation()


def test_sign_ins_and_private_profile_changes_keep_the_visitors_cache(
    client, user, password, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    PostFactory(author=user)
    start = pagecache.generation()
    assert (
        generation_after(lambda: client.login(username=user.username, password=password), capture)
        == start
    )
    user.refresh_from_db()
    assert user.last_login is not None
    profile = {"display_name": "", "job_title": "", "company": "", "location": "Leeds", "bio": "Hi"}
    assert generation_after(lambda: client.post("/accounts/profile/", profile), capture) == start
    user.refresh_from_db()
    assert user.location == "Leeds"
    assert generation_after(lambda: set_reply_notifications(user, False), capture) == start
    profile["job_title"] = "Team leader"  # shown beside every post of theirs
    assert generation_after(lambda: client.post("/accounts/profile/", profile), capture) > start


def test_a_post_edit_refreshes_visitors_pages_and_counts_against_the_posting_limit(
    user_client, user, settings, django_capture_on_commit_callbacks
):
    settings.FORUMS_POSTS_PER_MINUTE = 2
    post = PostFactory(author=user, source="First words")
    url = reverse("post_edit", args=[post.pk])
    visitor = Client()
    assert "First words" in visitor.get(post.topic.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert user_client.post(url, {"source": "Second words"}).status_code == 302
    assert "Second words" in visitor.get(post.topic.get_absolute_url()).content.decode()
    assert user_client.post(url, {"source": "Third words"}).status_code == 302
    response = user_client.post(url, {"source": "Fourth words"})
    assert "You can post or edit 2 messages a minute" in response.content.decode()
    post.refresh_from_db()
    assert post.source == "Third words"


def seen(url) -> str:
    return Client().get(url).content.decode()


def behind_the_caches_back(post, words) -> None:
    """A change no signal reports: a page that still shows the old words came from the cache."""
    Post.objects.filter(pk=post.pk).update(html=f"<p>{words}</p>")


def test_a_reply_refreshes_its_topic_category_and_home_and_leaves_other_pages_cached(
    django_capture_on_commit_callbacks,
):
    a = TopicFactory(title="Topic A")
    b_post = PostFactory(source="Words in B", topic=TopicFactory(title="Topic B"))
    b = b_post.topic
    pages = ("/", a.get_absolute_url(), b.get_absolute_url())
    for url in pages + (a.category.get_absolute_url(), b.category.get_absolute_url()):
        seen(url)
    assert "1 reply" not in seen(a.category.get_absolute_url())
    behind_the_caches_back(b_post, "Rewritten in B")
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(topic=a, source="A fresh reply in A")
    assert "A fresh reply in A" in seen(a.get_absolute_url())
    assert "1 reply" in seen(a.category.get_absolute_url())
    home = seen("/")
    assert home.index("Topic A") < home.index("Topic B")  # the latest topics, newest first
    assert "Words in B" in seen(b.get_absolute_url())  # still the cached page
    assert b.category.pk != a.category.pk
    untouched = pagecache.versions(pagecache.topic_key(b.pk), pagecache.category_key(b.category.pk))
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(topic=a)
    assert (
        pagecache.versions(pagecache.topic_key(b.pk), pagecache.category_key(b.category.pk))
        == untouched
    )
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(topic=b)
    assert "Rewritten in B" in seen(b.get_absolute_url())


def test_hiding_a_post_refreshes_its_topic_page_for_visitors_at_once(
    django_capture_on_commit_callbacks,
):
    post = PostFactory(source="Words to hide")
    other = PostFactory(source="Words elsewhere")
    url, other_url = post.topic.get_absolute_url(), other.topic.get_absolute_url()
    assert "Words to hide" in seen(url) and "Words elsewhere" in seen(other_url)
    assert 'class="reply-action"' in seen(other_url)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.set_post_hidden(post, True, moderator=ModeratorFactory())
    assert "Words to hide" not in seen(url)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.moderate_topic(other.topic, moderation.Action.LOCK, moderator=ModeratorFactory())
    assert 'class="reply-action"' not in seen(other_url)  # locked: no reply links


def test_moving_a_topic_to_a_staff_only_category_takes_it_off_every_visitors_page(
    django_capture_on_commit_callbacks,
):
    topic = TopicFactory(title="Rota dispute")
    old = topic.category
    assert "Rota dispute" in seen("/") and "Rota dispute" in seen(old.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        moderation.move_topic(topic, CategoryFactory(staff_only=True), moderator=ModeratorFactory())
    assert "Rota dispute" not in seen("/")
    assert "Rota dispute" not in seen(old.get_absolute_url())
    assert Client().get(topic.get_absolute_url()).status_code == 404


def test_erasing_a_member_refreshes_every_page_showing_their_name(
    django_capture_on_commit_callbacks,
):
    member = UserFactory(username="rotaqueen", display_name="Rota Queen")
    started = TopicFactory(author=member)
    replied = PostFactory(author=member).topic
    pages = [started.get_absolute_url(), replied.get_absolute_url(), "/"]
    pages += [started.category.get_absolute_url(), replied.category.get_absolute_url()]
    for url in pages:
        assert "Rota Queen" in seen(url), url
    with django_capture_on_commit_callbacks(execute=True):
        registry.erase(member, keep_posts=True)
    for url in pages:
        page = seen(url)
        assert "Rota Queen" not in page and "rotaqueen" not in page, url


def test_members_share_the_rendered_posts_and_each_gets_their_own_links(
    django_capture_on_commit_callbacks, monkeypatch
):
    topic = TopicFactory()
    amina, ben = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        own = PostFactory(topic=topic, author=amina, source="Amina on shift swaps")
        PostFactory(topic=topic, author=ben, source="Ben on rota ideas")
    url = topic.get_absolute_url()
    rendered = []
    render = pagecache.render_to_string
    monkeypatch.setattr(
        pagecache, "render_to_string", lambda *args: rendered.append(args[0]) or render(*args)
    )
    pages = {}
    for member in (amina, ben, None):
        reader = Client()
        if member:
            reader.force_login(member)
        pages[member] = reader.get(url).content.decode()
    edit = reverse("post_edit", args=[own.pk])
    report = reverse("post_report", args=[own.pk])
    assert f'href="{edit}"' in pages[amina] and f'href="{report}"' not in pages[amina]
    assert f'href="{edit}"' not in pages[ben] and f'href="{report}"' in pages[ben]
    assert f'href="{edit}"' not in pages[None] and f'href="{report}"' not in pages[None]
    assert all("Amina on shift swaps" in page for page in pages.values())
    # Rendered once for all: each post, and its actions for each kind of reader.
    posts = Post.objects.filter(topic=topic).count()
    assert rendered.count("forums/post_shown.html") == posts
    assert rendered.count("forums/post_actions.html") == posts * len(pagecache.READERS)


def account_menu(html: str) -> str:
    return html.split('<nav class="account-menu"', 1)[1].split("</nav>", 1)[0]


def test_members_share_a_whole_page_and_each_gets_their_own_parts(
    django_capture_on_commit_callbacks, monkeypatch
):
    topic = TopicFactory()
    amina = UserFactory(display_name="Amina <b>Okafor</b>")
    ben = UserFactory(display_name="Ben Kowalski", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        own = PostFactory(topic=topic, author=amina, source="Amina on shift swaps")
    url = topic.get_absolute_url()
    readers = {}
    for member in (amina, ben):
        readers[member] = Client(enforce_csrf_checks=True)
        readers[member].force_login(member)
    kept, keep = [], pagecache.keep
    monkeypatch.setattr(pagecache, "keep", lambda *args: kept.append(args[-1]) or keep(*args))
    first = readers[amina].get(url).content.decode()
    rendered = []
    render = pagecache.render_to_string
    monkeypatch.setattr(
        pagecache, "render_to_string", lambda *args: rendered.append(args[0]) or render(*args)
    )
    second = readers[ben].get(url).content.decode()
    # The page came whole from the cache, and the menu around his name was rendered once for
    # the staff (his own menu below, with the staff link).
    assert "forums/topic.html" not in rendered and "includes/account_menu.html" not in rendered
    assert "Ben Kowalski" in account_menu(second) and "Amina" not in account_menu(second)
    assert "Amina &lt;b&gt;Okafor&lt;/b&gt;" in account_menu(first)  # escaped, as any name
    assert "Admin" not in account_menu(first)
    assert ">Admin</a>" in account_menu(second)  # his own menu, staff link included
    edit = reverse("post_edit", args=[own.pk])
    assert f'href="{edit}"' in first and f'href="{edit}"' not in second
    assert "hole-" not in second and token_in(first) != token_in(second)
    # Each member's anti-spam stamp is issued for their request, and the kept page has none.
    stamps = [STAMP.search(page).group(1) for page in (first, second)]
    assert stamps[0] != stamps[1]
    kept_page = "".join(str(value) for value in kept)
    assert not any(stamp in kept_page for stamp in stamps) and "hole-stamp-" in kept_page
    # Each member's tokens (reply form, sign-out) are theirs alone.
    assert set(TOKEN.findall(first)).isdisjoint(TOKEN.findall(second))
    log_out = reverse("account_logout")
    assert readers[ben].post(log_out, {"csrfmiddlewaretoken": token_in(first)}).status_code == 403
    assert readers[ben].post(log_out, {"csrfmiddlewaretoken": token_in(second)}).status_code == 302


@pytest.mark.parametrize("is_staff", [False, True])
def test_a_kept_pages_account_menu_is_the_one_the_template_renders(is_staff):
    """Filled in by pagecache.account_menu from holes, it must stay what every other page
    shows, whatever the name: escaped the same, staff link and all."""
    token = "a" * 64
    for name in ("Amina <b>Okafor</b>", 'Ben & "Kowalski"', ""):
        member = UserFactory(display_name=name, is_staff=is_staff)
        rendered = render_to_string(
            "includes/account_menu.html", {"user": member, "csrf_token": token}
        )
        assert pagecache.account_menu(member, token) in rendered
        assert "hole-" not in pagecache.account_menu(member, token)


def test_a_moderators_page_never_reaches_members_and_members_never_hide_posts_from_them(
    moderator, moderator_client, user_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(source="Words a moderator hid")
        moderation.set_post_hidden(post, True, moderator=moderator)
    url = post.topic.get_absolute_url()
    moderators, members = moderator_client, user_client
    assert "Words a moderator hid" in moderators.get(url).content.decode()
    assert "Words a moderator hid" not in members.get(url).content.decode()
    assert "Words a moderator hid" not in Client().get(url).content.decode()
    assert "Words a moderator hid" in moderators.get(url).content.decode()


def test_a_profile_counts_the_members_posts_once_and_again_after_they_post(
    django_capture_on_commit_callbacks,
):
    member = UserFactory()
    topic = TopicFactory()
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(topic=topic, author=member)
    url = reverse("profile", args=[member.username])
    assert "<dd>1</dd>" in seen(url)
    with CaptureQueriesContext(connection) as captured:
        assert "<dd>1</dd>" in seen(url)
    assert not any("COUNT(" in query["sql"] for query in captured.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(topic=TopicFactory(), author=member, source="A second thought")
    page = seen(url)
    assert "<dd>2</dd>" in page and "A second thought" in page


def test_a_profile_shows_a_new_location_at_once_and_other_pages_stay_cached(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    url = reverse("profile", args=[user.username])
    assert "Leeds" not in seen(url)
    start = pagecache.generation()
    profile = {"display_name": "", "job_title": "", "company": "", "location": "Leeds", "bio": ""}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/profile/", profile)
    assert "Leeds" in seen(url)
    assert pagecache.generation() == start


def test_a_members_topic_list_renders_again_only_the_topics_with_a_marker(
    django_capture_on_commit_callbacks, monkeypatch
):
    member = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        read = [TopicFactory(category=CategoryFactory()) for _ in range(3)]
        TopicFactory(title="Nobody has opened this")
    reader = Client()
    reader.force_login(member)
    for topic in read:
        reader.get(topic.get_absolute_url())
    seen("/")  # the shared list, rendered for everyone
    other = Client()
    other.force_login(UserFactory())
    other.get("/")  # the page every member sees, with holes for each one's own parts
    rendered = []
    render = pagecache.render_to_string
    monkeypatch.setattr(
        pagecache, "render_to_string", lambda *args: rendered.append(args[0]) or render(*args)
    )
    page = reader.get("/").content.decode()
    assert "badge new" in page.split("Nobody has opened this", 1)[1].split("</li>", 1)[0]
    # The member's list, and in it the new topic's item, nothing else (their account menu is
    # the one every member's page has, with their own name, avatar and token put in).
    assert rendered == ["forums/topic_item.html", "forums/topic_list.html"]


def test_members_with_no_marker_on_a_list_share_it_whole_and_a_marker_still_shows(
    django_capture_on_commit_callbacks, monkeypatch
):
    """Members with nothing marked on a list get the page kept whole for them, list and all,
    with no context made; one with a marker on it gets their own list all the same."""
    with django_capture_on_commit_callbacks(execute=True):
        topic = TopicFactory(title="Rota swaps")
        PostFactory(topic=topic)
    category = topic.category.get_absolute_url()
    caught_up, behind = UserFactory(), UserFactory()
    readers = {}
    for member in (caught_up, behind):
        readers[member] = Client()
        readers[member].force_login(member)
        readers[member].get(topic.get_absolute_url())  # read to the end: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(topic=topic)  # one new reply...
    readers[caught_up].get(topic.get_absolute_url())  # ...which only one of them reads
    contexts, render = [], pagecache.render_to_string
    monkeypatch.setattr(
        pagecache, "render_to_string", lambda *args: contexts[-1].append(args[0]) or render(*args)
    )
    for member in (caught_up, behind, caught_up, behind, caught_up):
        contexts.append([])
        for url in ("/", category):
            page = readers[member].get(url).content.decode()
            item = page.split("Rota swaps", 1)[1].split("</li>", 1)[0]
            assert ("unread-count" in item) is (member == behind), (member, url)
            assert "hole-" not in page and member.public_name in page
    # The caught-up member's lists come whole from the cache once their (empty) markers were
    # kept and such a page was rendered: nothing is rendered, not even the list's frame.
    assert "home.html" in contexts[2] and contexts[-1] == []
    assert "forums/topic_list.html" in contexts[3]  # the other's list, marked, each time


def test_members_with_nothing_of_theirs_on_a_topics_page_share_it_whole(
    django_capture_on_commit_callbacks, monkeypatch
):
    """A member with no post on the page and nothing unread on it gets the page kept whole for
    such members, with no context made; the author still gets their edit link, and a member
    with a new reply still gets the line above it."""
    author, reader = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        own = PostFactory(author=author, source="The author's own words")
    topic, edit = own.topic, reverse("post_edit", args=[own.pk])
    readers = {}
    for member in (author, reader):
        readers[member] = Client()
        readers[member].force_login(member)
    made_for, posts_for = [], pagecache.posts_for
    monkeypatch.setattr(
        pagecache, "posts_for", lambda user, *args: made_for.append(user) or posts_for(user, *args)
    )
    for _ in range(3):
        made_for.clear()
        with django_capture_on_commit_callbacks(execute=True):  # their reads, recorded
            pages = {
                m: c.get(topic.get_absolute_url()).content.decode() for m, c in readers.items()
            }
        assert f'href="{edit}"' in pages[author] and f'href="{edit}"' not in pages[reader]
        assert all("hole-" not in page and 'id="new"' not in page for page in pages.values())
    # The third time round the reader's page came whole, posts and all; the author's posts are
    # still put together for them.
    assert made_for == [author]
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(topic=topic, source="A new reply")
    assert 'id="new"' in readers[reader].get(topic.get_absolute_url()).content.decode()


def visitor_pages(post) -> list[str]:
    return [
        "/",
        post.topic.category.get_absolute_url(),
        post.topic.get_absolute_url(),
        f"/u/{post.author.username}/",
    ]


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(r'name="form_started" value="([^"]+)"')


def token_in(html: str) -> str:
    return TOKEN.search(html).group(1)


def test_a_visitors_whole_page_is_made_once_and_each_gets_their_own_token(monkeypatch):
    post = PostFactory(source="Shared with every visitor")
    rendered = []
    render = pagecache.render_to_string
    monkeypatch.setattr(
        pagecache, "render_to_string", lambda *args: rendered.append(args[0]) or render(*args)
    )
    for url in visitor_pages(post):
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        first_page = first.get(url).content.decode()
        rendered.clear()
        with CaptureQueriesContext(connection) as captured:
            second_page = second.get(url).content.decode()
        assert rendered == [], url  # the second visitor's page came whole from the cache
        assert not any('"forums_post"' in query["sql"] for query in captured.captured_queries)
        assert first_page.replace(token_in(first_page), "") == second_page.replace(
            token_in(second_page), ""
        )
        assert token_in(first_page) != token_in(second_page) and "hole-" not in second_page
        # Each token is the visitor's own: the banner's forms work with it, not with the other.
        accept = reverse("cookie_consent_accept")
        stolen = {"all_groups": "on", "next": url, "csrfmiddlewaretoken": token_in(first_page)}
        assert second.post(accept, stolen).status_code == 403
        own = {**stolen, "csrfmiddlewaretoken": token_in(second_page)}
        assert second.post(accept, own).status_code == 302


def test_a_visitor_sees_the_page_their_own_way_never_anothers():
    post = PostFactory()
    url = post.topic.get_absolute_url()
    assert 'id="cookie-banner"' in seen(url)  # cached for first visits
    decided = Client()
    decided.post(reverse("cookie_consent_decline"), {"all_groups": "on", "next": url})
    # Their message, once, and no banner; nobody else gets either.
    page = decided.get(url).content.decode()
    assert "Your cookie choices are saved." in page and 'id="cookie-banner"' not in page
    page = decided.get(url).content.decode()
    assert "Your cookie choices are saved." not in page and 'id="cookie-banner"' not in page
    assert "Your cookie choices are saved." not in seen(url)
    assert 'id="cookie-banner"' in seen(url)
    # An address with more than the page number is rendered for its visitor alone.
    odd = Client().get(f"{url}?ref=newsletter-4711").content.decode()
    assert "newsletter-4711" in odd  # "Log in" brings them back to the address they came by
    assert "newsletter-4711" not in seen(url)


def test_a_categorys_row_comes_from_the_cache_and_a_renamed_slug_is_never_served(
    django_capture_on_commit_callbacks,
):
    category = CategoryFactory(name="Workforce planning", slug="wfm")
    with django_capture_on_commit_callbacks(execute=True):
        TopicFactory(category=category, title="Rotas for the winter peak")
    assert "Rotas for the winter peak" in seen("/c/wfm/")
    with django_capture_on_commit_callbacks(execute=True):
        TopicFactory(category=category, title="Shrinkage targets")
    assert "Shrinkage targets" in seen("/c/wfm/")  # the row's counters and the list renewed
    category.refresh_from_db()  # its counters, as the topics left them
    with django_capture_on_commit_callbacks(execute=True):
        category.slug = "planning"
        category.save()
    assert Client().get("/c/wfm/").status_code == 404  # though each process knew the old slug
    assert "Shrinkage targets" in seen("/c/planning/")
    with django_capture_on_commit_callbacks(execute=True):
        category.staff_only = True
        category.save()
    assert Client().get("/c/planning/").status_code == 404


def test_a_profiles_member_comes_from_the_cache_and_a_renamed_or_closed_one_is_never_served(
    django_capture_on_commit_callbacks, monkeypatch
):
    member = UserFactory(username="renamed-soon")
    assert Client().get("/u/renamed-soon/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert Client().get("/u/renamed-soon/").status_code == 200
    assert not any('"forums_user"' in query["sql"] for query in captured.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        member.username = "renamed-now"
        member.save()
    assert Client().get("/u/renamed-soon/").status_code == 404
    assert Client().get("/u/renamed-now/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        member.is_active = False
        member.save()
    assert Client().get("/u/renamed-now/").status_code == 404
    kept = []
    monkeypatch.setattr(pagecache, "keep", lambda *args: kept.append(args))
    for name in ("nobody-here", "x" * 5000, "<script>", "a b"):
        assert Client().get(f"/u/{name}/").status_code == 404
    assert kept == []  # unknown names fill nothing


class CountedReads:
    """The shared cache, counting its reads (each one round trip to Redis)."""

    def __init__(self, kept):
        self.kept, self.reads = kept, 0

    def __getattr__(self, name):
        return getattr(self.kept, name)

    def get(self, *args, **kwargs):
        self.reads += 1
        return self.kept.get(*args, **kwargs)

    def get_many(self, *args, **kwargs):
        self.reads += 1
        return self.kept.get_many(*args, **kwargs)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_kept_page_costs_one_read_of_the_shared_cache(client, signed_in, monkeypatch):
    """Its versions, the whole page, a topic's or category's row and a member's shared part, in
    one round trip; a profile first finds its member by name (then their version)."""
    post = PostFactory()
    if signed_in:
        client.force_login(UserFactory())
    counted = CountedReads(cache)
    monkeypatch.setattr(pagecache, "cache", counted)
    for url, reads in zip(visitor_pages(post), (1, 1, 1, 2), strict=True):
        client.get(url)  # made and kept
        counted.reads = 0
        assert client.get(url).status_code == 200
        assert counted.reads == reads, url


def test_what_a_members_pages_keep_of_their_reads_goes_with_the_reads(
    client, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    member = UserFactory()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(topic.get_absolute_url())  # read, and recorded
    client.get("/")
    client.get(topic.get_absolute_url())
    kept = cache.get(pagecache.own_key(member.pk))
    assert sorted(kept) == ["home", f"topic:{topic.pk}:1"]  # their markers, how far they read
    with django_capture_on_commit_callbacks(execute=True):
        registry.erase(member, keep_posts=True)
    assert cache.get(pagecache.own_key(member.pk)) is None
