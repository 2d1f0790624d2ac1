from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task(name="privacy.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete sessions past their expiry date (what Django's `clearsessions` command does)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
