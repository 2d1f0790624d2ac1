"""Newsletters: write, preview, test and send (P9, P10)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import consent
from ..read_only import WrittenBySite
from . import sending
from .models import Newsletter, NewsletterDelivery


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    """Staff write, preview, test and send newsletters (P9, P10)."""

    list_display = ["subject", "status", "created", "send_started", "send_finished"]
    list_filter = ["status"]
    search_fields = ["subject"]
    change_form_template = "admin/privacy/newsletter/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        shown = ["status", "delivery_summary", "html_preview", "text_preview"]
        if obj and obj.status != Newsletter.Status.DRAFT:
            return ["subject", "body", *shown]
        return shown

    @admin.display(description="Deliveries")
    def delivery_summary(self, obj):
        if obj.pk is None or obj.status == Newsletter.Status.DRAFT:
            subscribers = consent.granted(consent.NEWSLETTER).count()
            return f"Not sent yet. {subscribers} people consent to the newsletter now."
        counts = sending.delivery_counts(obj)
        return ", ".join(
            f"{label}: {counts.get(value, 0)}" for value, label in NewsletterDelivery.Status.choices
        )

    @admin.display(description="Preview (HTML)")
    def html_preview(self, obj):
        if obj.pk is None:
            return "Save to see a preview."
        return format_html('<div class="newsletter-preview">{}</div>', mark_safe(obj.body_html))

    @admin.display(description="Preview (text)")
    def text_preview(self, obj):
        if obj.pk is None:
            return "Save to see a preview."
        text = sending.render(obj)["text"].replace(
            sending.UNSUBSCRIBE_PLACEHOLDER, "(each recipient's own unsubscribe link)"
        )
        return format_html("<pre>{}</pre>", text)

    def get_urls(self):
        send = self.admin_site.admin_view(self.send_view)
        return [path("<int:pk>/send/", send, name="privacy_newsletter_send"), *super().get_urls()]

    def response_change(self, request, obj):
        if "_send_test" in request.POST:
            sending.send_test(obj, request.user)
            self.message_user(request, f"A test copy is on its way to {request.user.email}.")
            return HttpResponseRedirect(request.path)
        if "_send" in request.POST:
            return HttpResponseRedirect(f"../../{obj.pk}/send/")
        return super().response_change(request, obj)

    def send_view(self, request, pk: int):
        """Confirm, then queue the newsletter; a second click finds it no longer a draft."""
        item = get_object_or_404(Newsletter, pk=pk)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        change_url = f"../../{item.pk}/change/"
        if request.method == "POST":
            if sending.start_sending(item):
                self.message_user(request, "The newsletter is being sent in batches.")
            else:
                self.message_user(
                    request, "This newsletter was already sent or is being sent.", "warning"
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Send the newsletter?",
            "opts": self.model._meta,
            "original": item,
            "subscribers": consent.granted(consent.NEWSLETTER).count(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/privacy/newsletter/send.html", context)


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(WrittenBySite, admin.ModelAdmin):
    """Who each newsletter went to: a record written by the sending task, read by staff."""

    staff_may_delete = True

    list_display = ["newsletter", "email", "status", "updated"]
    list_filter = ["status", "newsletter"]
    search_fields = ["=email"]
    list_select_related = ["newsletter"]
    show_full_result_count = False
