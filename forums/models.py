from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse


class UsernameValidator(RegexValidator):
    regex = r"^[A-Za-z0-9._-]+\Z"
    message = "Use only letters, digits and the characters - _ . in your username."
    flags = 0


class User(AbstractUser):
    """A member. Everything beyond username, email and password is optional (P1)."""

    username = models.CharField(
        "username",
        max_length=30,
        unique=True,
        help_text="3 to 30 characters: letters, digits and - _ . only.",
        validators=[UsernameValidator()],
        error_messages={"unique": "That username is already taken."},
    )
    email = models.EmailField("email address", max_length=254)
    # The profile: optional, public on the member's profile page, clearable at any time.
    display_name = models.CharField(max_length=60, blank=True)
    job_title = models.CharField(max_length=80, blank=True)
    company = models.CharField(max_length=80, blank=True)
    location = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=2000, blank=True)

    # AbstractUser's first/last names are not asked for: the profile's display name replaces them.
    first_name = None
    last_name = None

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("account_overview")


class SignIn(models.Model):
    """One successful sign-in, kept for the member's security (P6)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "-created"])]

    def __str__(self) -> str:
        return f"{self.user} at {self.created:%Y-%m-%d %H:%M}"
