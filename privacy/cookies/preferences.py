"""Preference cookies (P22): the visitor's recent searches and the contact details they typed
into a form, set only while the preferences group is accepted. Declining deletes them
(choices.record_choice, and CleanCookiesMiddleware for a group that was never accepted)."""

import json
from datetime import timedelta

from django.conf import settings

from .choices import consents

PREFERENCES = "preferences"
RECENT_SEARCHES_COOKIE = "recent_searches"
REMEMBERED_CONTACT_COOKIE = "remembered_contact"
PREFERENCE_COOKIE_AGE = timedelta(days=90)
RECENT_SEARCHES_KEPT = 5
SEARCH_MAX_LENGTH = 200


def preferences_accepted(request) -> bool:
    return consents(request).get(PREFERENCES) is True


def _read(request, name: str):
    # Most requests carry no such cookie: nothing to check consent for.
    if name not in request.COOKIES or not preferences_accepted(request):
        return None
    value = request.get_signed_cookie(name, default=None, salt=name)
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def _write(response, name: str, value) -> None:
    response.set_signed_cookie(
        name,
        json.dumps(value, separators=(",", ":")),
        salt=name,
        max_age=int(PREFERENCE_COOKIE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def recent_searches(request) -> list[str]:
    """The visitor's last searches, newest first; empty without consent."""
    searches = _read(request, RECENT_SEARCHES_COOKIE)
    if not isinstance(searches, list):
        return []
    return [s for s in searches if isinstance(s, str) and s][:RECENT_SEARCHES_KEPT]


def remember_search(request, response, query: str) -> None:
    """Put a search at the front of the visitor's recent searches, if they allow it."""
    query = " ".join(query.split())[:SEARCH_MAX_LENGTH]
    if not query or not preferences_accepted(request):
        return
    searches = [query] + [s for s in recent_searches(request) if s.casefold() != query.casefold()]
    _write(response, RECENT_SEARCHES_COOKIE, searches[:RECENT_SEARCHES_KEPT])


def remembered_contact(request) -> dict:
    """`{"name": ..., "email": ...}` typed into a form before, for a form's `initial`."""
    contact = _read(request, REMEMBERED_CONTACT_COOKIE)
    if not isinstance(contact, dict):
        return {}
    return {k: v for k, v in contact.items() if k in ("name", "email") and isinstance(v, str) and v}


def remember_contact(request, response, *, name: str = "", email: str = "") -> None:
    """Remember the name and email address a visitor typed into a form, if they allow it.

    A form that asks for one of them keeps the other as it was remembered."""
    if not preferences_accepted(request) or not (name or email):
        return
    typed = {"name": name[:150], "email": email[:254]}
    contact = remembered_contact(request) | {key: value for key, value in typed.items() if value}
    _write(response, REMEMBERED_CONTACT_COOKIE, contact)


def remember_visitor_contact(request, response, cleaned_data: dict) -> None:
    """After a visitor's valid form, remember the name and email address typed into it, if they
    allow it. A member's details come from their account, so nothing is remembered for them."""
    if not request.user.is_authenticated:
        remember_contact(
            request,
            response,
            name=cleaned_data.get("name", ""),
            email=cleaned_data.get("email", ""),
        )
