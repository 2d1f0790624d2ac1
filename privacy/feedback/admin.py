"""Feedback and its publication (P16)."""

from django.contrib import admin, messages
from django.utils.html import format_html

from ..read_only import WrittenBySite
from . import publication
from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(WrittenBySite, admin.ModelAdmin):
    """Feedback comes only from the feedback form; staff handle and publish it."""

    staff_may_change = True
    staff_may_delete = True

    list_display = ["created", "kind", "status", "user", "email", "for_publication", "published_at"]
    list_filter = [
        "status",
        "kind",
        "for_publication",
        ("published_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["message", "=email", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created"
    fieldsets = [
        (None, {"fields": ["kind", "created", "user", "name", "answer_to", "message"]}),
        ("Handling", {"fields": ["status", "closed_at", "staff_notes"]}),
        (
            "Publication",
            {
                "fields": [
                    "for_publication",
                    "published_text",
                    "sender_notified_at",
                    "published_at",
                ],
                "description": (
                    "Tick “for publication” with an edited text that identifies nobody, and save: "
                    "the sender is emailed the text first, then it appears on the published page. "
                    "Untick to take it down."
                ),
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = ["kind", "created", "user", "name", "answer_to", "message", "closed_at"]
        fields += ["sender_notified_at", "published_at"]
        if obj and obj.published_at:  # untick to edit: a changed text is a new notice
            fields.append("published_text")
        return fields

    @admin.display(description="Answer to")
    def answer_to(self, obj):
        if not obj.reply_to:
            return "-"
        return format_html('<a href="mailto:{0}">{0}</a>', obj.reply_to)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.for_publication and not obj.published_at:
            try:
                publication.publish(obj)
            except publication.CannotPublish as error:
                self.message_user(request, f"Not published: {error}", messages.WARNING)
            except OSError:
                self.message_user(
                    request,
                    "Not published: the email to the sender could not be sent.",
                    messages.ERROR,
                )
            else:
                self.message_user(request, "The sender was emailed, then the text was published.")
        elif not obj.for_publication and obj.published_at:
            publication.unpublish(obj)
            self.message_user(request, "Taken off the published page.")
