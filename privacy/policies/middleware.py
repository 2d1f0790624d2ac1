from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse

from . import acceptance

SESSION_KEY = "privacy:terms-accepted"
# Pages a member must reach before accepting: the policies themselves, account pages
# (log out, email links), the staff admin.
EXEMPT_PREFIXES = ("/privacy/", "/accounts/", "/admin/", "/static/")


class TermsAcceptanceMiddleware:
    """Members who accepted an older version of the terms accept the new one on their next
    visit (P2, P24). The session remembers the version checked, so most requests cost nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "GET"
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            terms = acceptance.terms_in_force()
            if terms and request.session.get(SESSION_KEY) != terms.pk:
                if acceptance.terms_to_accept(request.user):
                    accept = reverse("privacy:accept_terms")
                    return redirect(f"{accept}?next={quote(request.get_full_path())}")
                request.session[SESSION_KEY] = terms.pk
        return self.get_response(request)
