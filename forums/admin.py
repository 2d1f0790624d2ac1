from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html

from privacy.read_only import WrittenBySite

from . import moderation, posting
from .models import Category, ModerationAction, Post, Report, SignIn, Topic, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Contact", {"fields": ["email"]}),
        ("Profile", {"fields": ["display_name", "job_title", "company", "location", "bio"]}),
        ("Email preferences", {"fields": ["notify_replies"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]


@admin.register(SignIn)
class SignInAdmin(WrittenBySite, admin.ModelAdmin):
    staff_may_delete = True

    list_display = ["user", "created", "ip_address"]
    list_filter = ["created"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created", "ip_address", "user_agent"]


def _moderation_action(action, description):
    def run(modeladmin, request, queryset):
        for topic in queryset.select_related("category"):
            moderation.moderate_topic(
                topic, action, moderator=request.user, reason="From the admin"
            )
        modeladmin.message_user(request, f"{description}: {queryset.count()} topic(s).")

    run.__name__ = f"topic_{action}"
    run.short_description = description
    run.allowed_permissions = ("change",)
    return run


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "parent",
        "position",
        "colour",
        "staff_only",
        "announcements",
        "topic_count",
    ]
    list_editable = ["position"]
    list_filter = ["staff_only", "announcements"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["topic_count", "post_count"]


class TopicActionForm(helpers.ActionForm):
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, label="Move to", empty_label="(category)"
    )


@admin.register(Topic)
class TopicAdmin(WrittenBySite, admin.ModelAdmin):
    staff_may_change = True
    staff_may_delete = True

    list_display = [
        "title",
        "category",
        "author",
        "reply_count",
        "pinned",
        "locked",
        "hidden",
        "last_activity",
    ]
    list_filter = ["pinned", "locked", "hidden", "category"]
    search_fields = ["title"]
    list_select_related = ["category", "author"]
    date_hierarchy = "last_activity"
    show_full_result_count = False
    # State changes go through the actions, which log them (P7); only the title is edited here.
    fields = ["title", "category", "author", "created", "pinned", "locked", "hidden", "reply_count"]
    readonly_fields = ["category", "author", "created", "pinned", "locked", "hidden", "reply_count"]
    action_form = TopicActionForm
    actions = [
        _moderation_action(action, ModerationAction.Action(action).label)
        for action in moderation.TOPIC_ACTIONS
    ] + ["move_topics"]

    @admin.action(
        description="Move to the category chosen beside the action", permissions=["change"]
    )
    def move_topics(self, request, queryset):
        category = Category.objects.filter(pk=request.POST.get("category") or None).first()
        if category is None:
            self.message_user(request, "Choose the category to move to.", messages.ERROR)
            return
        for topic in queryset.select_related("category"):
            moderation.move_topic(topic, category, moderator=request.user, reason="From the admin")
        self.message_user(request, f"Moved to {category}: {queryset.count()} topic(s).")

    def save_model(self, request, obj, form, change):
        posting.rename_topic(obj, form.cleaned_data["title"])


@admin.register(Post)
class PostAdmin(WrittenBySite, admin.ModelAdmin):
    staff_may_delete = True

    list_display = ["__str__", "topic", "author", "created", "hidden"]
    list_filter = ["hidden", "created"]
    search_fields = ["topic__title", "author__username"]
    list_select_related = ["topic", "author"]
    show_full_result_count = False
    actions = ["hide_posts", "show_posts"]

    # The IP address is shown only with its permission (P6, P7: privacy.need_to_know).
    fields = ["topic", "author", "created", "edited", "edited_by", "hidden", "source", "ip_address"]
    readonly_fields = fields

    @admin.action(description="Hide the selected posts", permissions=["moderate"])
    def hide_posts(self, request, queryset):
        self._set_hidden(request, queryset, True)

    @admin.action(description="Show the selected posts", permissions=["moderate"])
    def show_posts(self, request, queryset):
        self._set_hidden(request, queryset, False)

    def has_moderate_permission(self, request):
        return request.user.has_perm("forums.change_post")

    def _set_hidden(self, request, queryset, hidden):
        for post in queryset.select_related("topic__category"):
            moderation.set_post_hidden(
                post, hidden, moderator=request.user, reason="From the admin"
            )
        self.message_user(
            request, f"{'Hidden' if hidden else 'Shown'}: {queryset.count()} post(s)."
        )


@admin.register(Report)
class ReportAdmin(WrittenBySite, admin.ModelAdmin):
    """The moderation queue: open reports first, oldest first."""

    staff_may_change = True
    staff_may_delete = True

    list_display = ["post_excerpt", "reason", "reporter", "created", "status"]
    list_filter = ["status", "created"]
    search_fields = ["reason", "post__source"]
    list_select_related = ["post__topic", "reporter"]
    ordering = ["-status", "created"]  # open, then hidden, then dismissed; oldest first
    fields = [
        "post_link",
        "post_source",
        "reason",
        "reporter",
        "created",
        "status",
        "resolved",
        "resolved_by",
    ]
    readonly_fields = fields
    actions = ["hide_reported_posts", "dismiss_reports"]

    @admin.display(description="Post")
    def post_excerpt(self, report):
        return f"{report.post.topic.title}: {report.post.source[:80]}"

    @admin.display(description="Post")
    def post_link(self, report):
        return format_html(
            '<a href="{}">{}</a>', report.post.get_absolute_url(), report.post.topic.title
        )

    @admin.display(description="Text of the post")
    def post_source(self, report):
        return report.post.source

    @admin.action(description="Hide the reported posts", permissions=["change"])
    def hide_reported_posts(self, request, queryset):
        self._resolve(request, queryset, hide_post=True)

    @admin.action(description="Dismiss the reports", permissions=["change"])
    def dismiss_reports(self, request, queryset):
        self._resolve(request, queryset, hide_post=False)

    def _resolve(self, request, queryset, *, hide_post):
        reports = queryset.filter(status=Report.Status.OPEN).select_related("post__topic__category")
        for report in reports:
            moderation.resolve_report(report, moderator=request.user, hide_post=hide_post)
        self.message_user(request, "Done.")


@admin.register(ModerationAction)
class ModerationActionAdmin(WrittenBySite, admin.ModelAdmin):
    """The moderation log: read-only (P7)."""

    list_display = ["created", "moderator", "action", "topic", "post", "reason", "detail"]
    list_filter = ["action", "created"]
    search_fields = ["reason", "moderator__username", "topic__title"]
    list_select_related = ["moderator", "topic", "post"]
    date_hierarchy = "created"
