"""Retention runs, inactivity warnings and the lock periodic jobs take (P17)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class RetentionRun(models.Model):
    """What one retention rule did in one run of the retention job (P17): figures and times,
    never the personal data itself (an error is recorded by its type; details go to the log)."""

    rule = models.CharField(max_length=60, db_index=True)
    as_of = models.DateTimeField(help_text="The moment whose expired data the run removed.")
    matched = models.PositiveBigIntegerField(
        default=0, help_text="Rows past their retention period when the rule started."
    )
    changed = models.PositiveBigIntegerField(default=0, help_text="Rows deleted or cleared.")
    warned = models.PositiveIntegerField(
        default=0, help_text="Members emailed that their account is about to be erased."
    )
    started = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started", "-id"]

    def __str__(self) -> str:
        return f"{self.rule} at {self.started:%Y-%m-%d %H:%M}"


class RetentionWarning(models.Model):
    """A member told by email that their account will be erased for inactivity (P17). It stands
    until they sign in again; the job erases them once it has stood long enough."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retention_warnings"
    )
    rule = models.CharField(max_length=60)
    sent = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "rule"], name="one_retention_warning_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.rule} warning to {self.user} on {self.sent:%Y-%m-%d}"


class JobLock(models.Model):
    """A lease that keeps two runs of a periodic job from overlapping, on any database.

    It expires by itself, so a worker killed mid-run blocks the next run for at most `ttl`; a
    long run renews it as it goes.
    """

    name = models.CharField(max_length=60, primary_key=True)
    token = models.CharField(max_length=32, blank=True)
    expires = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} until {self.expires:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def acquire(cls, name: str, ttl: timedelta) -> str | None:
        """A token proving the lease is ours, or None while another holder's has not expired."""
        now = timezone.now()
        cls.objects.get_or_create(name=name, defaults={"expires": now})
        token = secrets.token_hex(16)
        # One conditional UPDATE: of two concurrent callers only one can match an expired lease.
        taken = cls.objects.filter(name=name, expires__lte=now).update(
            token=token, expires=now + ttl
        )
        return token if taken else None

    @classmethod
    def renew(cls, name: str, token: str, ttl: timedelta) -> bool:
        """Extend our lease; False if it expired and someone else took it."""
        return bool(cls.objects.filter(name=name, token=token).update(expires=timezone.now() + ttl))

    @classmethod
    def release(cls, name: str, token: str) -> None:
        cls.objects.filter(name=name, token=token).update(token="", expires=timezone.now())
