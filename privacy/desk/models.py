"""Cookies the site set that its cookie declaration does not list (P19, P20)."""

from django.db import models
from django.utils import timezone


class UndeclaredCookie(models.Model):
    """A cookie name some response set and the declaration (Cookie consent › Cookies) lacks.

    Only the name and when and how often it was seen: nothing about the visitor. Written by
    ``privacy.desk.middleware`` only when an undeclared name appears, so pages that set only
    declared cookies write nothing. Declare the cookie (or stop setting it) and delete the row.
    """

    name = models.CharField(max_length=100, unique=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    times = models.PositiveBigIntegerField(default=1)

    class Meta:
        ordering = ["-last_seen"]
        permissions = [("view_desk", "Can see the privacy officer's desk")]

    def __str__(self) -> str:
        return self.name
