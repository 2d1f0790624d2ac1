"""The cookie banner's wording, from the consent ledger's texts: every receipt refers to it."""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .. import consent

BANNER_TEXT_KEY = "cookie-banner"
BANNER_TEXT_CACHE_KEY = "privacy:cookie-banner-text"
BANNER_TEXT_CACHE_TIMEOUT = 60 * 60


def banner_text():
    """The banner's current wording, which every receipt refers to.

    Every visitor's page shows it, so it is cached until a new wording is saved."""
    cache = caches[settings.COOKIE_CONSENT_CACHE_BACKEND]
    text = cache.get(BANNER_TEXT_CACHE_KEY)
    if text is None:
        text = consent.current_text(BANNER_TEXT_KEY)
        cache.set(BANNER_TEXT_CACHE_KEY, text, BANNER_TEXT_CACHE_TIMEOUT)
    return text


def banner_text_changed(sender, instance, **kwargs) -> None:
    """Signal receiver: forget the cached wording now, and again once the change is committed
    (a page rendered in between may have cached the old one)."""
    if instance.key == BANNER_TEXT_KEY:
        cache = caches[settings.COOKIE_CONSENT_CACHE_BACKEND]
        cache.delete(BANNER_TEXT_CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(BANNER_TEXT_CACHE_KEY))
