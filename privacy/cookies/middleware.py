"""The consent cookie, cleaned before anything reads it (P19): a cookie edited by hand or by
another script never amounts to consent."""

import uuid

from cookie_consent.cache import all_cookie_groups
from cookie_consent.util import dict_to_cookie_str, parse_cookie_str
from django.conf import settings
from django.utils.dateparse import parse_datetime

from .choices import CONSENT_ID_KEY


def clean_consent_cookie(value: str) -> str:
    """The consent cookie with everything our own views would not have written left out.

    A version must be a timestamp (or "" for a group without cookies) or the decline marker, the
    group must exist, and an acceptance counts only beside a receipt id: a cookie edited by hand
    or by another script never amounts to consent.
    """
    pairs = parse_cookie_str(value)
    groups = all_cookie_groups()
    kept = {}
    receipt = pairs.get(CONSENT_ID_KEY, "")
    try:
        kept[CONSENT_ID_KEY] = uuid.UUID(hex=receipt).hex
    except ValueError:
        pass
    for varname, version in pairs.items():
        if varname not in groups:
            continue
        if version == settings.COOKIE_CONSENT_DECLINE:
            kept[varname] = version
        elif CONSENT_ID_KEY in kept and (version == "" or _is_timestamp(version)):
            kept[varname] = version
    return dict_to_cookie_str(kept)


def _is_timestamp(value: str) -> bool:
    try:
        return parse_datetime(value) is not None
    except ValueError:
        return False


class ConsentCookieMiddleware:
    """Reads the consent cookie through `clean_consent_cookie` for everything after it (the
    library's filters and `CleanCookiesMiddleware` included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.COOKIE_CONSENT_NAME
        if name in request.COOKIES:
            request.COOKIES[name] = clean_consent_cookie(request.COOKIES[name])
        return self.get_response(request)
