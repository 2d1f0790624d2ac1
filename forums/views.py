from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from privacy.cookies import preferences

from . import moderation, notifications, pagecache, search
from .adapters import client_ip
from .forms import (
    NotificationsForm,
    PostForm,
    PostModerationForm,
    ProfileForm,
    ReportForm,
    SearchForm,
    TopicForm,
    TopicModerationForm,
)
from .markup import quote
from .models import POSTS_PER_PAGE, TOPICS_PER_PAGE, Category, Post, Topic, User
from .posting import edit_post, refusal, reply, start_topic
from .querysets import can_moderate

LATEST_TOPICS = 10
PROFILE_RECENT_POSTS = 10


def home(request):
    """Categories with their counts and last post, and the latest topics."""
    visible = Category.objects.visible_to(request.user)
    categories = (
        visible.filter(parent=None)
        .with_last_post()
        .prefetch_related(Prefetch("children", queryset=visible.with_last_post()))
    )
    latest = (
        Topic.objects.visible_to(request.user)
        .for_listing()
        .select_related("category")
        .order_by("-last_activity")[:LATEST_TOPICS]
    )
    return render(
        request,
        "home.html",
        {
            "categories": categories,
            "latest_topics": latest,
            "cache_generation": pagecache.for_visitor(request),
        },
    )


def category_detail(request, slug):
    category = get_object_or_404(
        Category.objects.visible_to(request.user).select_related("parent"), slug=slug
    )
    topics = Topic.objects.visible_to(request.user).filter(category=category).for_listing()
    paginator = Paginator(topics.order_by("-pinned", "-last_activity"), TOPICS_PER_PAGE)
    if not can_moderate(request.user):
        paginator.count = category.topic_count  # kept on the row: no COUNT(*) per page view
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "forums/category.html",
        {
            "category": category,
            "page": page,
            "subcategories": category.children.visible_to(request.user),
            "can_start_topic": may_start_topic(request.user, category),
            "cache_generation": pagecache.for_visitor(request),
        },
    )


def may_start_topic(user, category: Category) -> bool:
    return user.is_authenticated and (not category.announcements or can_moderate(user))


@login_required
def new_topic(request, slug):
    category = get_object_or_404(Category.objects.visible_to(request.user), slug=slug)
    if not may_start_topic(request.user, category):
        raise PermissionDenied("Only moderators start topics in this category.")
    if request.method == "POST":
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
                return redirect(topic)
    else:
        form = TopicForm()
    return render(request, "forums/new_topic.html", {"category": category, "form": form})


def _page_number(request, page_count: int) -> int:
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return 1
    return min(max(number, 1), page_count)


def topic_detail(request, pk, slug):
    topic = get_object_or_404(
        Topic.objects.visible_to(request.user).select_related("category"), pk=pk
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(topic.get_absolute_url())
        if topic.locked or topic.hidden:
            raise PermissionDenied("This topic is closed to new replies.")
        form = PostForm(request.POST)
        if form.is_valid():
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
                return redirect(post)
    else:
        if slug != topic.slug:
            return redirect(topic)
        form = PostForm(initial={"source": _quoted(request, topic)})
    page_count = topic.page_count
    number = _page_number(request, page_count)
    posts = (
        Post.objects.visible_to(request.user)
        .filter(topic=topic)
        .filter(position__gt=(number - 1) * POSTS_PER_PAGE, position__lte=number * POSTS_PER_PAGE)
        .for_topic_page()
    )
    if request.user.is_authenticated:
        notifications.mark_visited(request.user, topic.pk)
    moderator = can_moderate(request.user)
    return render(
        request,
        "forums/topic.html",
        {
            "topic": topic,
            "posts": posts,
            "page_number": number,
            "page_count": page_count,
            "page_range": range(1, page_count + 1) if page_count <= 10 else None,
            "form": form,
            "can_moderate": moderator,
            "moderation_form": TopicModerationForm() if moderator else None,
            "cache_generation": pagecache.for_visitor(request),
        },
        status=400 if request.method == "POST" else 200,
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
    if request.method == "POST":
        form = PostForm(request.POST, instance=post)
        if form.is_valid():
            # An edit changes what visitors see (the cached pages start again), so it counts
            # against the same limit as a new post.
            refused = refusal(request.user)
            if refused:
                form.add_error(None, refused)
            else:
                edit_post(post, editor=request.user, source=form.cleaned_data["source"])
                messages.success(request, "Your post has been updated.")
                return redirect(post)
    else:
        form = PostForm(instance=post)
    return render(request, "forums/post_edit.html", {"post": post, "form": form})


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
    member = get_object_or_404(User, username=username, is_active=True)
    posts = Post.objects.visible_to(request.user).filter(author=member)
    recent = posts.select_related("topic").order_by("-created")[:PROFILE_RECENT_POSTS]
    return render(
        request,
        "forums/profile.html",
        {"member": member, "post_count": posts.count(), "recent_posts": recent},
    )


def search_view(request):
    form = SearchForm(request.GET) if "q" in request.GET else SearchForm()
    results = None
    if form.is_bound and form.is_valid():
        results = search.search_posts(form.cleaned_data["q"], request.user)
    response = render(
        request,
        "forums/search.html",
        {"form": form, "results": results, "max_results": search.MAX_RESULTS},
    )
    if results is not None:
        preferences.remember_search(request, response, form.cleaned_data["q"])  # only with consent
    return response


def notifications_off(request, token):
    """The switch-off link in every reply notification: works without logging in (P11)."""
    try:
        member = notifications.user_for_switch_off_token(token)
    except signing.SignatureExpired:
        context = {"expired": True, "max_age_days": notifications.SWITCH_OFF_LINK_MAX_AGE.days}
        return render(request, "forums/notifications_off.html", context, status=400)
    if member is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        notifications.set_reply_notifications(member, False)
        return render(request, "forums/notifications_off.html", {"done": True})
    return render(request, "forums/notifications_off.html", {"done": False})


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
        notifications.set_reply_notifications(request.user, form.cleaned_data["notify_replies"])
        messages.success(
            request,
            "Reply emails are on." if request.user.notify_replies else "Reply emails are off.",
        )
    return redirect("account_overview")
