from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import SignIn, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Contact", {"fields": ["email"]}),
        ("Profile", {"fields": ["display_name", "job_title", "company", "location", "bio"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "ip_address"]
    list_filter = ["created"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created", "ip_address", "user_agent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
