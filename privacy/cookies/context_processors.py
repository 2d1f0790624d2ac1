"""What every page needs of cookie consent: the banner, the optional third-party scripts, the
address share buttons offer, and the visitor's remembered searches."""

from cookie_consent.cache import CACHE_KEY as COOKIE_GROUPS_CACHE_KEY
from cookie_consent.cache import all_cookie_groups
from cookie_consent.util import get_not_accepted_or_declined_cookie_groups
from django.conf import settings
from django.core.cache import caches
from django.utils.functional import SimpleLazyObject

from .preferences import recent_searches
from .wording import BANNER_TEXT_CACHE_KEY, banner_text

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
