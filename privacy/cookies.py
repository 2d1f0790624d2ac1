"""Cookie consent (P19-P22), on top of django-cookie-consent.

The library keeps each visitor's choices in its consent cookie (`group=version|group=-1`), offers
template filters (`request|cookie_group_accepted:"analytics"`) and deletes the cookies of declined
groups (`CleanCookiesMiddleware`). This module adds what it lacks: choosing several groups at once,
a receipt for every choice (its `LogItem` records no visitor), a consent cookie that cannot be
tampered into consent, and the preference cookies that remember searches and contact details.
"""

import json
import uuid
from collections.abc import Iterable
from datetime import timedelta

from cookie_consent.cache import CACHE_KEY as COOKIE_GROUPS_CACHE_KEY
from cookie_consent.cache import all_cookie_groups
from cookie_consent.models import Cookie, CookieGroup
from cookie_consent.util import (
    dict_to_cookie_str,
    get_cookie_dict_from_request,
    get_cookie_value_from_request,
    get_not_accepted_or_declined_cookie_groups,
    parse_cookie_str,
    set_cookie_dict_to_response,
)
from django import forms
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.dateparse import parse_datetime
from django.utils.functional import SimpleLazyObject

from . import consent
from .models import CookieConsentReceipt

BANNER_TEXT_KEY = "cookie-banner"
BANNER_TEXT_CACHE_KEY = "privacy:cookie-banner-text"
BANNER_TEXT_CACHE_TIMEOUT = 60 * 60
# The receipt's id travels in the consent cookie beside the groups' versions.
CONSENT_ID_KEY = "receipt"

PREFERENCES = "preferences"
RECENT_SEARCHES_COOKIE = "recent_searches"
REMEMBERED_CONTACT_COOKIE = "remembered_contact"
PREFERENCE_COOKIE_AGE = timedelta(days=90)
RECENT_SEARCHES_KEPT = 5
SEARCH_MAX_LENGTH = 200


# Choices and receipts


def consent_id(request) -> uuid.UUID | None:
    """The id of this browser's consent receipts, from its consent cookie."""
    try:
        return uuid.UUID(hex=get_cookie_dict_from_request(request).get(CONSENT_ID_KEY, ""))
    except ValueError:
        return None


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
    return [
        varname
        for varname in all_cookie_groups()
        if get_cookie_value_from_request(request, varname) is True
    ]


def declared_groups():
    """Every cookie group with its cookies and their lifetimes, as the declaration shows them."""
    cookies = Cookie.objects.select_related("lifetime").order_by("name")
    return CookieGroup.objects.prefetch_related(Prefetch("cookie_set", queryset=cookies))


class CookieChoiceForm(forms.Form):
    """The banner's "Choose" form and the settings page: accept all, reject all, or some."""

    ACCEPT_ALL, REJECT_ALL, SAVE = "accept-all", "reject-all", "save"

    choice = forms.ChoiceField(
        choices=[(ACCEPT_ALL, "Accept all"), (REJECT_ALL, "Reject all"), (SAVE, "Save my choices")]
    )
    accepted = forms.MultipleChoiceField(
        required=False,
        choices=lambda: [(varname, group.name) for varname, group in all_cookie_groups().items()],
    )

    def chosen_groups(self) -> dict[str, list[CookieGroup]]:
        groups = all_cookie_groups()
        choice = self.cleaned_data["choice"]
        if choice == self.ACCEPT_ALL:
            accepted = set(groups)
        elif choice == self.REJECT_ALL:
            accepted = set()
        else:
            accepted = set(self.cleaned_data["accepted"])
        return {
            "accept": [g for v, g in groups.items() if v in accepted],
            "decline": [g for v, g in groups.items() if v not in accepted],
        }


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


# URL arguments that are credentials: our signed tokens, allauth's email-confirmation and
# password-reset keys. Some hold the visitor's email address, some act on an account.
CREDENTIAL_URL_ARGUMENTS = frozenset({"token", "key", "uidb36"})


def reached_by_token(request) -> bool:
    """Whether the page's address carries a credential (see CREDENTIAL_URL_ARGUMENTS)."""
    match = request.resolver_match
    return match is not None and not CREDENTIAL_URL_ARGUMENTS.isdisjoint(match.kwargs)


def banner_context(request) -> dict:
    """Template context: the banner while any optional group is undecided, the optional
    third-party scripts' addresses, the address share buttons offer, and the visitor's
    remembered searches.

    A page reached through a token offers no sharing and loads no third-party script, whatever
    the visitor accepted: either would hand the address, and the credential in it, to someone
    else. Elsewhere only the path is shared, never a query string (tracking ids, search terms)."""

    def banner():
        if settings.COOKIE_CONSENT_NAME not in request.COOKIES:
            # A first visit, which shows the banner: its groups and wording in one round trip.
            caches[settings.COOKIE_CONSENT_CACHE_BACKEND].get_many(
                [COOKIE_GROUPS_CACHE_KEY, BANNER_TEXT_CACHE_KEY]
            )
        undecided = get_not_accepted_or_declined_cookie_groups(request)
        if not undecided:
            return None
        return {
            "groups": list(all_cookie_groups().values()),
            "text": banner_text(),
        }

    third_parties = not reached_by_token(request)
    return {
        "cookie_banner": SimpleLazyObject(banner),
        "recent_searches": SimpleLazyObject(lambda: recent_searches(request)),
        "ANALYTICS_SCRIPT_URL": settings.ANALYTICS_SCRIPT_URL if third_parties else "",
        "SOCIAL_SHARE_SCRIPT_URL": settings.SOCIAL_SHARE_SCRIPT_URL if third_parties else "",
        "share_url": request.build_absolute_uri(request.path) if third_parties else "",
    }


# Preference cookies (P22): set only while the preferences group is accepted. Declining deletes
# them (record_choice, and CleanCookiesMiddleware for a group that was never accepted).


def preferences_accepted(request) -> bool:
    return get_cookie_value_from_request(request, PREFERENCES) is True


def _read(request, name: str):
    if not preferences_accepted(request):
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


def receipts_out_of_force_before(cutoff):
    """Receipts kept long enough: replaced by a newer choice, or whose consent cookie ran out,
    before `cutoff` (the retention period is counted from then)."""
    cookie_age = timedelta(seconds=settings.COOKIE_CONSENT_MAX_AGE)
    return CookieConsentReceipt.objects.filter(
        Q(replaced_at__lt=cutoff) | Q(replaced_at__isnull=True, created__lt=cutoff - cookie_age)
    )
