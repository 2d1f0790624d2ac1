"""Cookie receipts and cookie lifetimes (P19, P20)."""

from cookie_consent import admin as cookie_consent_admin
from cookie_consent.models import Cookie
from django.contrib import admin

from ..read_only import WrittenBySite
from .models import CookieConsentReceipt, CookieLifetime


@admin.register(CookieConsentReceipt)
class CookieConsentReceiptAdmin(WrittenBySite, admin.ModelAdmin):
    """Proof of cookie choices (P19): written by the site, read by staff."""

    list_display = ["created", "consent_id", "user", "accepted", "declined", "replaced_at"]
    list_filter = [("replaced_at", admin.EmptyFieldListFilter)]
    search_fields = ["=consent_id", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created"


class CookieLifetimeInline(admin.StackedInline):
    model = CookieLifetime
    can_delete = False


# django-cookie-consent's Cookie admin, with the lifetime the cookie declaration shows (P20).
admin.site.unregister(Cookie)


@admin.register(Cookie)
class CookieAdmin(cookie_consent_admin.CookieAdmin):
    inlines = [CookieLifetimeInline]
