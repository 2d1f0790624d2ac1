from django.conf import settings
from django.urls import reverse

from .redirects import is_safe_next_url


def site(request):
    """The site's name and the DPO's address, shown in every page's header and footer (P26), and
    the page that "Log in" and "Join" return to."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DPO_EMAIL": settings.DPO_EMAIL,
        "return_to": return_to(request),
    }


def return_to(request) -> str:
    """Where a visitor who signs in or joins from this page should land: this page, or on the
    account pages the `next` they arrived with (never an account page itself, nor a target
    that is not ours)."""
    accounts = reverse("account_login").rsplit("/", 2)[0] + "/"  # "/accounts/"
    if request.path.startswith(accounts):
        target = request.GET.get("next", "")
        return target if is_safe_next_url(request, target) else ""
    here = request.get_full_path()
    return here if request.method == "GET" and is_safe_next_url(request, here) else ""
