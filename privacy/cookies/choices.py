"""A visitor's cookie choices (P19, P21): recording one, with its receipt, in the consent cookie;
reading them back; and the cookie groups as the declaration shows them (P20)."""

import uuid
from collections.abc import Iterable

from cookie_consent.cache import all_cookie_groups
from cookie_consent.models import Cookie, CookieGroup
from cookie_consent.util import (
    get_cookie_dict_from_request,
    set_cookie_dict_to_response,
)
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch

from .models import CookieConsentReceipt
from .wording import banner_text

# The receipt's id travels in the consent cookie beside the groups' versions.
CONSENT_ID_KEY = "receipt"


def consent_id(request) -> uuid.UUID | None:
    """The id of this browser's consent receipts, from its consent cookie."""
    try:
        return uuid.UUID(hex=get_cookie_dict_from_request(request).get(CONSENT_ID_KEY, ""))
    except ValueError:
        return None


def consents(request) -> dict[str, bool | None]:
    """Each optional group's answer in this browser's consent cookie, as the library's
    `get_cookie_value_from_request` gives it: True (accepted since the group last changed),
    False (declined) or None (not asked, or asked before the group changed). Read from one
    parse of the cookie, once per request: a page asks about every group, in several places."""
    if "_consents" not in request.__dict__:
        choices = get_cookie_dict_from_request(request)
        request._consents = {
            varname: _answer(choices.get(varname), version) if choices else None
            for varname, version in _versions(all_cookie_groups()).items()
        }
    return request._consents


def _answer(version: str | None, current: str) -> bool | None:
    if version is None:
        return None
    if version == settings.COOKIE_CONSENT_DECLINE:
        return False
    return True if version >= current else None


# The groups last asked about and their versions: all_cookie_groups() hands out the same object
# until a process reads the groups again (CACHES["near"]), so each version is worked out once.
_versions_of = (None, {})


def _versions(groups) -> dict[str, str]:
    """Each group's current version (the library's CookieGroup.get_version)."""
    global _versions_of
    held, versions = _versions_of
    if held is not groups:
        versions = {varname: group.get_version() for varname, group in groups.items()}
        _versions_of = (groups, versions)
    return versions


def record_choice(
    request, response, *, accept: Iterable[CookieGroup] = (), decline: Iterable[CookieGroup] = ()
) -> CookieConsentReceipt:
    """Accept and decline cookie groups, write a receipt, and store both in the consent cookie.

    The cookies of declined groups are deleted from the browser in the same response.
    """
    choices = get_cookie_dict_from_request(request)
    for group in accept:
        choices[group.varname] = group.get_version()
    for group in decline:
        choices[group.varname] = settings.COOKIE_CONSENT_DECLINE
        for cookie in group.cookie_set.all():
            response.delete_cookie(cookie.name, cookie.path, cookie.domain or None)

    accepted, declined = {}, {}
    for varname, group in all_cookie_groups().items():
        if choices.get(varname) == settings.COOKIE_CONSENT_DECLINE:
            declined[varname] = group.get_version()
        elif varname in choices and choices[varname] >= group.get_version():
            accepted[varname] = choices[varname]

    previous = consent_id(request)
    known = previous and CookieConsentReceipt.objects.filter(consent_id=previous).exists()
    with transaction.atomic():
        receipt = CookieConsentReceipt.objects.create(
            consent_id=previous if known else uuid.uuid4(),
            user=request.user if request.user.is_authenticated else None,
            accepted=accepted,
            declined=declined,
            banner_text=banner_text(),
        )
        if known:
            CookieConsentReceipt.objects.filter(
                consent_id=previous, replaced_at__isnull=True
            ).exclude(pk=receipt.pk).update(replaced_at=receipt.created)

    choices[CONSENT_ID_KEY] = receipt.consent_id.hex
    set_cookie_dict_to_response(response, choices)
    return receipt


def current_receipt(request) -> CookieConsentReceipt | None:
    """The receipt of the choice this browser's consent cookie holds."""
    if (receipt_id := consent_id(request)) is None:
        return None
    return (
        CookieConsentReceipt.objects.filter(consent_id=receipt_id, replaced_at__isnull=True)
        .select_related("banner_text")
        .first()
    )


def accepted_groups(request) -> list[str]:
    """The optional groups this browser has accepted (and not since been asked about again)."""
    return [varname for varname, answer in consents(request).items() if answer is True]


def declared_groups():
    """Every cookie group with its cookies and their lifetimes, as the declaration shows them."""
    cookies = Cookie.objects.select_related("lifetime").order_by("name")
    return CookieGroup.objects.prefetch_related(Prefetch("cookie_set", queryset=cookies))


# An optional group that exists only for a configured script: its varname and the setting.
SCRIPT_GROUPS = {"analytics": "ANALYTICS_SCRIPT_URL", "social": "SOCIAL_SHARE_SCRIPT_URL"}


def in_use(group) -> bool:
    """Whether the site can set this optional group's cookies: the analytics and social groups
    only once their script is configured (otherwise asking would be asking about nothing)."""
    if group.is_required:
        return False
    setting = SCRIPT_GROUPS.get(group.varname)
    return bool(getattr(settings, setting, "")) if setting else True
