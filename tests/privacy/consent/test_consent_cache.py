"""The cookie groups and the banner's wording are read from the shared cache once per page
(community/cache.py), and a change made anywhere is seen by the next page."""

import pytest
from cookie_consent.models import CookieGroup
from django.core.cache import cache, caches

from privacy.cookies import wording
from privacy.models import ConsentText

pytestmark = pytest.mark.django_db


def test_a_page_reads_the_cookie_groups_and_the_banner_wording_once(client, monkeypatch):
    client.get("/privacy/terms/")  # fills the cache
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
    html = client.get("/privacy/terms/").content.decode()
    assert 'id="cookie-banner"' in html
    assert reads.count("cookie_consent_cache") == 1
    assert reads.count(wording.BANNER_TEXT_CACHE_KEY) == 1


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
