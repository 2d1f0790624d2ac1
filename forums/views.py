import hashlib
import re
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from community.antispam import STAMP_FIELD, issue, salt_for
from privacy.cookies import preferences
from privacy.stats import count_feature

from . import moderation, notifications, pagecache, reading, search, viewcounts
from .adapters import client_ip
from .forms import (
    NotificationsForm,
    PostForm,
    PostModerationForm,
    PreviewForm,
    ProfileForm,
    ReportForm,
    SearchForm,
    TopicForm,
    TopicModerationForm,
)
from .markup import quote, render_post
from .models import (
    POST_MAX_LENGTH,
    POSTS_PER_PAGE,
    TOPICS_PER_PAGE,
    Category,
    Post,
    Topic,
    User,
)
from .posting import edit_post, refusal, reply, start_topic
from .querysets import can_moderate

LATEST_TOPICS = 10
CATEGORY_PKS_KEY = "forums:category-pks"
PROFILE_RECENT_POSTS = 10
RECENT_POSTERS = 4  # avatars in a topic list: the starter, then the latest other posters
# What is each member's own on a page kept whole (forums.pagecache.page): their unread markers,
# the post actions for them and the unread line.
CATEGORY_OWN = ("topics",)
TOPIC_OWN = ("posts",)
# Crawlers and link previews are not readers: their visits are not counted.
NOT_A_READER = re.compile(r"bot|crawl|spider|slurp|preview|fetch|monitor", re.IGNORECASE)


def with_posters(topics) -> list:
    """The topics as a list, each with `posters` (its starter, then the authors of its latest
    posts, newest first, once each: one query for the whole list, through the (topic, position)
    index). Only posts anyone may see: moderators see the same faces as everyone."""
    topics = list(topics)
    if not topics:
        return topics
    window = Q()
    for topic in topics:
        window |= Q(topic_id=topic.pk, position__gt=topic.last_position - RECENT_POSTERS * 2)
    latest = {}
    recent = (
        Post.objects.filter(window, hidden=False)
        .select_related("author")
        .order_by("-position")
        .only("topic_id", "position", "author")
    )
    for post in recent:
        latest.setdefault(post.topic_id, []).append(post.author)
    for topic in topics:
        posters, seen = [topic.author], {topic.author_id}
        for author in latest.get(topic.pk, []):
            if author is not None and author.pk not in seen and len(posters) < RECENT_POSTERS:
                posters.append(author)
                seen.add(author.pk)
        topic.posters = posters
    return topics


def with_markers(request, listed: pagecache.TopicList, key: str, name: str) -> pagecache.TopicList:
    """A shared topic list (of page `name`, kept under `key`) with the reader's unread markers."""
    user = request.user
    if user.is_authenticated and listed.topics:
        marked = pagecache.own(request, key, name, lambda: reading.markers(user, listed.topics))
        reading.mark_unread(listed.topics, marked)
    return listed


def count_view(request, topic: Topic) -> None:
    """One more view of the topic: no cookie is read or set and nothing about the reader is
    kept, so a view is a page load of the topic by anything that is not a crawler."""
    if request.method == "GET" and not NOT_A_READER.search(request.headers.get("User-Agent", "")):
        viewcounts.count_view(topic.pk)
        topic.view_count += 1


def home(request):
    """The latest topics, and the categories with their counts and last post."""

    def context():
        # What everyone but moderators sees of the page, in one cache entry (forums.pagecache).
        latest, categories = pagecache.shared(
            request, pagecache.HOME_KEY, "home", lambda: home_lists(request.user)
        )
        latest = with_markers(request, latest, pagecache.HOME_KEY, "home")
        return {"latest_topics": latest, "categories": categories}

    return pagecache.page(
        request,
        pagecache.HOME_KEY,
        "home",
        "home.html",
        context,
        canonical=_canonical(request),
        own=("latest_topics",),
        plain=lambda: pagecache.unmarked(request, pagecache.HOME_KEY, "home"),
    )


def home_lists(user) -> tuple[pagecache.TopicList, str]:
    """The home page's latest topics and its categories, rendered."""
    visible = Category.objects.visible_to(user)
    categories = (
        visible.filter(parent=None)
        .with_last_post()
        .prefetch_related(Prefetch("children", queryset=visible.with_last_post()))
    )
    newest = (
        Topic.objects.visible_to(user)
        .for_listing()
        .select_related("category")
        .order_by("-last_activity")[:LATEST_TOPICS]
    )
    return (
        pagecache.topic_list(with_posters(newest), show_category=True),
        render_to_string("forums/category_list.html", {"categories": categories}),
    )


def category_detail(request, slug):
    category = shown_category(request, slug)

    def topics():  # only for what the shared cache does not hold
        listed = Topic.objects.visible_to(request.user).filter(category=category).for_listing()
        return listed.order_by("-pinned", "-last_activity")

    # Moderators also see hidden topics; everyone else's count is kept on the row.
    count = topics().count() if can_moderate(request.user) else category.topic_count
    page_count = max(1, -(-count // TOPICS_PER_PAGE))
    number = _page_number(request, page_count)
    first = (number - 1) * TOPICS_PER_PAGE
    name = f"category:{category.pk}:{number}"

    def context():
        listed, subcategories = pagecache.shared(
            request,
            pagecache.category_key(category.pk),
            name,
            lambda: (
                pagecache.topic_list(with_posters(topics()[first : first + TOPICS_PER_PAGE])),
                list(category.children.visible_to(request.user)),
            ),
        )
        return {
            "category": category,
            "page_number": number,
            "page_count": page_count,
            "topics": with_markers(request, listed, pagecache.category_key(category.pk), name),
            "subcategories": subcategories,
            "can_start_topic": may_start_topic(request.user, category),
        }

    return pagecache.page(
        request,
        pagecache.category_key(category.pk),
        name,
        "forums/category.html",
        context,
        canonical=_canonical(request, number),
        own=CATEGORY_OWN,
        plain=lambda: pagecache.unmarked(request, pagecache.category_key(category.pk), name),
    )


def shown_category(request, slug) -> Category:
    """The category whose page this is. On a GET by all but moderators, its row as it was when
    the category last changed (pagecache.topic_changed, forum_changed), from the shared cache."""

    def visible():
        return Category.objects.visible_to(request.user).select_related("parent")

    pk = category_pks().get(slug)
    if pk is not None and request.method == "GET":
        category = pagecache.shared(
            request,
            pagecache.category_key(pk),
            f"category-row:{pk}",
            lambda: visible().filter(pk=pk).first(),
            ahead=_page_asked(request, f"category:{pk}", own=CATEGORY_OWN),
        )
        if category is not None and category.slug == slug:
            return category
    return get_object_or_404(visible(), slug=slug)  # a new, renamed, hidden or unknown slug


def category_pks() -> dict[str, int]:
    """Every category's slug and pk, kept in each process for a few seconds (CACHES["near"]):
    a slug renamed or reused since is caught by shown_category's check of the row."""
    return caches["near"].get_or_set(
        CATEGORY_PKS_KEY,
        lambda: dict(Category.objects.values_list("slug", "pk")),
        pagecache.TIMEOUT,
    )


def _canonical(request, page_number: int | None = None) -> bool:
    """Is this the page's own address: no query string, or only its number as its links write
    it? (Only those addresses get a visitor's whole page from the cache, forums.pagecache.)"""
    given = dict(request.GET.lists())
    return not given or (page_number is not None and given == {"page": [str(page_number)]})


def may_start_topic(user, category: Category) -> bool:
    return user.is_authenticated and (not category.announcements or can_moderate(user))


@login_required
def new_topic(request, slug):
    category = get_object_or_404(Category.objects.visible_to(request.user), slug=slug)
    if not may_start_topic(request.user, category):
        raise PermissionDenied("Only moderators start topics in this category.")
    preview = None
    if request.method == "POST" and _wants_preview(request):
        form, preview = _previewed(request, TopicForm, fields=("title", "source"))
    elif request.method == "POST":
        form = TopicForm(request.POST)
        if form.is_valid():
            refused = refusal(request.user)
            if refused:
                form.add_error(None, refused)
            else:
                topic = start_topic(
                    category=category,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    source=form.cleaned_data["source"],
                    ip_address=client_ip(request),
                )
                count_feature("topic")
                return redirect(topic)
    else:
        form = TopicForm()
    return render(
        request,
        "forums/new_topic.html",
        {
            "category": category,
            "form": form,
            "preview": preview,
            "draft_key": f"new-topic:{category.pk}",
        },
    )


def _wants_preview(request) -> bool:
    """The composer's Preview button (without JavaScript: a full page with the preview)."""
    return "preview" in request.POST


def _previewed(request, form_class, fields=("source",)):
    """The form as typed (unbound: no errors yet) and its text rendered as it would be saved."""
    typed = {name: request.POST.get(name, "")[: POST_MAX_LENGTH + 1] for name in fields}
    form = form_class(initial=typed)
    return form, render_post(typed["source"].strip()) if typed["source"].strip() else ""


@require_POST
@login_required
def preview(request):
    """The live preview (static/js/composer.js): the text rendered exactly as a post would be.
    Only for members, who are the only ones with a composer."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse("<p>This text cannot be previewed (is it too long?).</p>", status=400)
    source = form.cleaned_data["source"]
    html = render_post(source) if source else '<p class="meta">Nothing to preview yet.</p>'
    return HttpResponse(html, content_type="text/html; charset=utf-8")


def _page_asked(request, name: str, own: tuple[str, ...]) -> tuple[str, ...]:
    """The shared entries of page `name`:N, N being the number in the address, before the row
    that says whether there is such a page is read: read with the row (pagecache.page_entries).
    """
    number = _page_number(request, sys.maxsize)
    return pagecache.page_entries(request, f"{name}:{number}", _canonical(request, number), own)


def _page_number(request, page_count: int) -> int:
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return 1
    return min(max(number, 1), page_count)


def topic_detail(request, pk, slug):
    if request.method == "GET":
        # The row as it was when the topic last changed (pagecache.topic_changed): the same for
        # all but moderators. Its view count may be a few minutes behind. Read with the page
        # asked for.
        topic = pagecache.shared(
            request,
            pagecache.topic_key(pk),
            f"topic-row:{pk}",
            lambda: shown_topic(request, pk),
            ahead=_page_asked(request, f"topic:{pk}", own=TOPIC_OWN),
        )
    else:
        topic = shown_topic(request, pk)
    if topic is None:
        raise Http404("No such topic.")
    preview = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(topic.get_absolute_url())
        if topic.locked or topic.hidden:
            raise PermissionDenied("This topic is closed to new replies.")
        form = PostForm(request.POST)
        if _wants_preview(request):
            form, preview = _previewed(request, PostForm)
        elif form.is_valid():
            refused = refusal(request.user)
            if refused:
                form.add_error(None, refused)
            else:
                post = reply(
                    topic=topic,
                    author=request.user,
                    source=form.cleaned_data["source"],
                    ip_address=client_ip(request),
                )
                count_feature("reply")
                return redirect(post)
        stamp = form[STAMP_FIELD].value()  # a fresh one: the form is shown again
    else:
        if slug != topic.slug:
            return redirect(topic)
        # Visitors get "Log in to reply" instead of the form. A member's page kept whole needs
        # only the stamp the form prints: the form is built if the page is rendered.
        form, stamp = None, ""
        if request.user.is_authenticated:
            stamp = issue(salt_for(PostForm))
            form = SimpleLazyObject(
                lambda: PostForm(initial={"source": _quoted(request, topic), STAMP_FIELD: stamp})
            )
    page_count = topic.page_count
    number = _page_number(request, page_count)
    count_view(request, topic)
    name = f"topic:{topic.pk}:{number}"
    first_unread, authored = None, True
    if request.user.is_authenticated:
        if request.method != "GET":  # a GET: checked in reading.mark_read's query
            notifications.mark_visited(request.user, topic.pk)
        else:
            shown_up_to = min(number * POSTS_PER_PAGE, topic.last_position)
            state = pagecache.own(
                request,
                pagecache.topic_key(topic.pk),
                name,
                lambda: reading.read_state(request.user, topic, number),
            )
            authored = state[-1]
            before = reading.mark_read(request.user, topic, shown_up_to, state)
            if before is not None and before < shown_up_to:
                first_unread = before + 1
    moderator = can_moderate(request.user)

    def context():
        shown = pagecache.shared(
            request,
            pagecache.topic_key(topic.pk),
            name,
            lambda: pagecache.shown_posts(
                topic,
                number,
                posts_on_page(request.user, topic, number),
                csrf_token=get_token(request) if moderator else None,
            ),
        )
        return {
            "topic": topic,
            "posts": pagecache.posts_for(request.user, shown, first_unread),
            "page_number": number,
            "page_count": page_count,
            "page_range": range(1, page_count + 1) if page_count <= 10 else None,
            "form": form,
            "can_moderate": moderator,
            "moderation_form": TopicModerationForm() if moderator else None,
            "preview": preview,
            "draft_key": f"reply:{topic.pk}",
            "stamp": stamp,  # what the form prints
        }

    if request.method == "POST":
        return render(
            request, "forums/topic.html", context(), status=400 if preview is None else 200
        )
    return pagecache.page(
        request,
        pagecache.topic_key(topic.pk),
        name,
        "forums/topic.html",
        context,
        canonical=_canonical(request, number),
        own=TOPIC_OWN,
        issued={"stamp": stamp},
        # The posts as every member sees them: no line above unread ones, no post of theirs.
        plain=lambda: first_unread is None and not authored,
    )


def shown_topic(request, pk) -> Topic | None:
    return Topic.objects.visible_to(request.user).select_related("category").filter(pk=pk).first()


def posts_on_page(user, topic: Topic, number: int):
    return (
        Post.objects.visible_to(user)
        .filter(topic=topic)
        .filter(position__gt=(number - 1) * POSTS_PER_PAGE, position__lte=number * POSTS_PER_PAGE)
        .for_topic_page()
    )


def _quoted(request, topic) -> str:
    """The reply box starts with a quote when the member clicked "Quote" on a post."""
    post_id = request.GET.get("quote", "")
    if not post_id.isdigit():
        return ""
    post = Post.objects.visible_to(request.user).filter(topic=topic, pk=post_id)
    post = post.select_related("author").first()
    return quote(post) if post else ""


@login_required
def post_edit(request, pk):
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("topic__category"), pk=pk
    )
    if post.author_id != request.user.pk:
        raise PermissionDenied("You can edit only your own posts.")
    preview = None
    if request.method == "POST" and _wants_preview(request):
        form, preview = _previewed(request, PostForm)
    elif request.method == "POST":
        form = PostForm(request.POST, instance=post)
        if form.is_valid():
            # An edit changes what visitors see (the cached pages start again), so it counts
            # against the same per-minute limit as a new post.
            refused = refusal(request.user, new_post=False)
            if refused:
                form.add_error(None, refused)
            else:
                edit_post(post, editor=request.user, source=form.cleaned_data["source"])
                messages.success(request, "Your post has been updated.")
                return redirect(post)
    else:
        form = PostForm(instance=post)
    return render(
        request,
        "forums/post_edit.html",
        {"post": post, "form": form, "preview": preview, "draft_key": f"edit:{post.pk}"},
    )


@login_required
def post_report(request, pk):
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("topic", "author"), pk=pk
    )
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                moderation.report_post(post, reporter=request.user, reason=reason)
            except moderation.ReportError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Thank you. The moderators will look at this post.")
                return redirect(post)
    else:
        form = ReportForm()
    return render(request, "forums/post_report.html", {"post": post, "form": form})


def _moderator_only(request):
    if not can_moderate(request.user):
        raise PermissionDenied("Only moderators can do this.")


@require_POST
@login_required
def topic_moderate(request, pk, slug):
    _moderator_only(request)
    topic = get_object_or_404(Topic.objects.select_related("category"), pk=pk)
    form = TopicModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an action (and a category to move the topic to).")
        return redirect(topic)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    if action == moderation.Action.MOVE:
        moderation.move_topic(
            topic, form.cleaned_data["category"], moderator=request.user, reason=reason
        )
    else:
        moderation.moderate_topic(topic, action, moderator=request.user, reason=reason)
    messages.success(request, f"Done: {moderation.Action(action).label.lower()}.")
    return redirect(topic)


@require_POST
@login_required
def post_moderate(request, pk):
    _moderator_only(request)
    post = get_object_or_404(Post.objects.select_related("topic__category"), pk=pk)
    form = PostModerationForm(request.POST)
    if form.is_valid():
        moderation.set_post_hidden(
            post,
            form.cleaned_data["hidden"],
            moderator=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "The post is hidden." if post.hidden else "The post is shown.")
    return redirect(post)


def profile(request, username):
    pk = shown_member(request, username)
    key = pagecache.member_key(pk)

    def context():
        member = get_object_or_404(User, pk=pk, is_active=True)
        card = pagecache.shared(
            request, key, f"member:{pk}", lambda: profile_card(request.user, member)
        )
        return {"member": member, "card": card}

    return pagecache.page(
        request, key, f"member:{pk}", "forums/profile.html", context, canonical=_canonical(request)
    )


def shown_member(request, username) -> int:
    """The pk of the active member whose profile this is. For all but moderators, from
    the shared cache under the generation, which a change to a member's username or standing
    bumps (forums.signals). An unknown name is a 404 before anything is kept: it fills nothing."""

    def pk():  # only for what the shared cache does not hold
        members = User.objects.filter(is_active=True).values_list("pk", flat=True)
        return get_object_or_404(members, username=username)

    named = hashlib.md5(username.encode(), usedforsecurity=False).hexdigest()
    return pagecache.shared(request, pagecache.GENERATION_KEY, f"member-named:{named}", pk)


def profile_card(reader, member: User) -> str:
    """The member's profile with their post count and recent posts, as `reader` may see them."""
    posts = Post.objects.visible_to(reader).filter(author=member)
    recent = posts.select_related("topic").order_by("-created")[:PROFILE_RECENT_POSTS]
    return render_to_string(
        "forums/profile_card.html",
        {"member": member, "post_count": posts.count(), "recent_posts": recent},
    )


def search_view(request):
    bound = "q" in request.GET
    form = SearchForm(request.GET if bound else None, user=request.user)
    results = None
    if bound and form.is_valid():
        results = search.search_posts(
            form.cleaned_data["q"],
            request.user,
            category=form.cleaned_data["category"],
            author=form.cleaned_data["author"],
            page=request.GET.get("page", 1),
        )
        if "page" not in request.GET:  # a search, not its next page
            count_feature("search")
    response = render(
        request,
        "forums/search.html",
        {"form": form, "results": results, "max_results": search.CANDIDATES},
    )
    if results is not None:
        preferences.remember_search(request, response, form.cleaned_data["q"])  # only with consent
    return response


def notifications_off(request, token, what="replies"):
    """The switch-off link in every reply (or mention) notification: works without logging in
    (P11)."""
    salt, switch = notifications.SWITCHES[what]
    try:
        member = notifications.user_for_switch_off_token(token, salt)
    except signing.SignatureExpired:
        context = {
            "expired": True,
            "max_age_days": notifications.SWITCH_OFF_LINK_MAX_AGE.days,
            "what": what,
        }
        return render(request, "forums/notifications_off.html", context, status=400)
    if member is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        switch(member, False)
        return render(request, "forums/notifications_off.html", {"done": True, "what": what})
    return render(request, "forums/notifications_off.html", {"done": False, "what": what})


@login_required
def account_overview(request):
    """The member's own page: their profile, reply emails, recent sign-ins (P1, P6, P11)."""
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("account_overview")
    else:
        form = ProfileForm(instance=request.user)
    sign_ins = request.user.sign_ins.all()[:20]
    return render(
        request,
        "forums/account.html",
        {
            "form": form,
            "notifications_form": NotificationsForm(instance=request.user),
            "sign_ins": sign_ins,
        },
    )


@require_POST
@login_required
def account_notifications(request):
    form = NotificationsForm(request.POST, instance=request.user)
    if form.is_valid():
        notifications.set_notifications(
            request.user,
            replies=form.cleaned_data["notify_replies"],
            mentions=form.cleaned_data["notify_mentions"],
        )
        on_off = {True: "on", False: "off"}
        messages.success(
            request,
            f"Reply emails are {on_off[request.user.notify_replies]}; "
            f"mention emails are {on_off[request.user.notify_mentions]}.",
        )
    return redirect("account_overview")
