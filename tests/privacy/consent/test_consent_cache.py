"""The cookie groups, the banner's wording and the terms in force are read from the shared cache
at most once every few seconds in each process (community.cache.NearCache): a change made in the
same process is seen by the next page, one made in another process within the hold."""

import time

import pytest
from cookie_consent.models import CookieGroup
from django.conf import settings
from django.core.cache import cache, caches

from community import cache as near_cache
from privacy.cookies import wording
from privacy.models import ConsentText

pytestmark = pytest.mark.django_db


def later(monkeypatch, seconds: float) -> None:
    """The clock of the near cache, `seconds` on."""
    now = time.monotonic() + seconds
    monkeypatch.setattr(near_cache.time, "monotonic", lambda: now)


def test_pages_read_the_cookie_groups_the_wording_and_the_terms_once_per_hold(client, monkeypatch):
    client.get("/privacy/terms/")  # fills the shared cache
    hold = settings.CACHES["near"]["OPTIONS"]["HOLD"]
    later(monkeypatch, hold + 1)  # this process's copies are too old
    reads = []
    shared = caches["default"]
    original_get, original_get_many = shared.get, shared.get_many

    in_get_many = []  # the in-memory cache's get_many calls its get

    def counting_get(key, *args, **kwargs):
        if not in_get_many:
            reads.append(key)
        return original_get(key, *args, **kwargs)

    def counting_get_many(keys, *args, **kwargs):
        reads.extend(keys)
        in_get_many.append(True)
        try:
            return original_get_many(keys, *args, **kwargs)
        finally:
            in_get_many.pop()

    monkeypatch.setattr(shared, "get", counting_get)
    monkeypatch.setattr(shared, "get_many", counting_get_many)
    for _ in range(3):
        html = client.get("/privacy/terms/").content.decode()
        assert 'id="cookie-banner"' in html
    assert reads.count("cookie_consent_cache") == 1
    assert reads.count(wording.BANNER_TEXT_CACHE_KEY) == 1

    later(monkeypatch, 2 * hold + 2)
    client.get("/privacy/terms/")
    assert reads.count("cookie_consent_cache") == 2
    assert reads.count(wording.BANNER_TEXT_CACHE_KEY) == 2


def test_a_change_made_in_another_process_shows_once_the_hold_is_over(client, monkeypatch):
    assert "Cookies, reworded." not in client.get("/").content.decode()
    # Another process changes the wording: the shared cache forgets it, this process does not.
    text = wording.banner_text()
    ConsentText.objects.filter(pk=text.pk).update(wording="Cookies, reworded.")
    cache.delete(wording.BANNER_TEXT_CACHE_KEY)
    assert "Cookies, reworded." not in client.get("/").content.decode()
    later(monkeypatch, settings.CACHES["near"]["OPTIONS"]["HOLD"] + 1)
    assert "Cookies, reworded." in client.get("/").content.decode()


def test_a_new_banner_wording_shows_on_the_next_page(client):
    assert "Cookies, reworded." not in client.get("/").content.decode()
    ConsentText.objects.create(
        key=wording.BANNER_TEXT_KEY,
        version=wording.banner_text().version + 1,
        wording="Cookies, reworded.",
    )
    assert "Cookies, reworded." in client.get("/").content.decode()


def test_a_new_cookie_group_shows_on_the_next_page(client):
    client.get("/")
    CookieGroup.objects.create(varname="video", name="Embedded videos", is_deletable=True)
    assert 'value="video"' in client.get("/").content.decode()


def test_outside_a_request_every_read_goes_to_the_shared_cache():
    first = wording.banner_text()
    cache.delete(wording.BANNER_TEXT_CACHE_KEY)  # as a change in another process does
    ConsentText.objects.filter(pk=first.pk).update(wording="Changed.")
    assert wording.banner_text().wording == "Changed."
