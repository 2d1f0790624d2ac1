"""Counts the cookies a response sets that the cookie declaration does not list (P19, P20).

Only the cookie's name is recorded, with when and how often (``UndeclaredCookie``), never
anything about the visitor. The declared names are cached (and forgotten when staff change a
declared cookie: ``forget_declared_names``), each process keeping a copy for a few seconds
(``settings.CACHES["near"]``): nearly every response sets a cookie (Django renews the CSRF
cookie on every page with a form), and one that sets only declared cookies (or none) costs no
round trip and writes nothing. It sits above the middleware that set
cookies (sessions, CSRF, messages) so that it sees theirs too.
"""

from fnmatch import fnmatchcase

from cookie_consent.models import Cookie
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import UndeclaredCookie

NAME_LENGTH = UndeclaredCookie._meta.get_field("name").max_length


DECLARED_KEY = "privacy:declared-cookie-names"


def declared_names() -> set[str]:
    """Every cookie name in the declaration (a name may end in ``*`` for a family: ``_ga*``)."""
    return caches["near"].get_or_set(
        DECLARED_KEY, lambda: set(Cookie.objects.values_list("name", flat=True)), 3600
    )


def forget_declared_names(**kwargs) -> None:
    """A declared cookie was added, changed or removed (connected in PrivacyConfig.ready)."""
    caches["near"].delete(DECLARED_KEY)


def is_declared(name: str, declared: set[str]) -> bool:
    return name in declared or any(fnmatchcase(name, pattern) for pattern in declared)


def set_cookie_names(response) -> list[str]:
    """The cookies the response sets; deleting one (max-age 0) sets nothing."""
    return [
        name
        for name, morsel in response.cookies.items()
        if str(morsel["max-age"]) != "0" and not morsel["expires"].startswith("Thu, 01 Jan 1970")
    ]


def record(name: str) -> None:
    """One more sighting of an undeclared cookie: an UPDATE with F(), a row the first time."""
    name, now = name[:NAME_LENGTH], timezone.now()
    seen = UndeclaredCookie.objects.filter(name=name)
    if seen.update(last_seen=now, times=F("times") + 1):
        return
    try:
        with transaction.atomic():
            UndeclaredCookie.objects.create(name=name, first_seen=now, last_seen=now)
    except IntegrityError:  # another response recorded it first
        seen.update(last_seen=now, times=F("times") + 1)


class UndeclaredCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        names = set_cookie_names(response)
        if names:
            declared = declared_names()
            for name in names:
                if not is_declared(name, declared):
                    record(name)
        return response
