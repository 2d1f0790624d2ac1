from importlib import import_module

from celery import shared_task
from django.conf import settings

from . import newsletter, policy_changes, stats


@shared_task(name="privacy.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete sessions past their expiry date (what Django's `clearsessions` command does)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="privacy.send_newsletter")
def send_newsletter(newsletter_id: int) -> None:
    newsletter.send(newsletter_id)


@shared_task(name="privacy.flush_visit_counts")
def flush_visit_counts() -> int:
    """Move the visit counters from the cache to the database (P5); safe to run at any time."""
    return stats.flush_visit_counts()


@shared_task(name="privacy.notify_policy_change")
def notify_policy_change(policy_id: int) -> None:
    policy_changes.notify(policy_id)
