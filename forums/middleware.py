from django.contrib import messages
from django.contrib.auth import middleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .sessions import signed_in_member


class StaffSecondFactorMiddleware:
    """Staff reach the admin only with a second factor set up (P7).

    allauth asks for the second factor at sign-in for everyone who has one. Without one, a staff
    member's permissions count for nothing (``User.has_perm``); this middleware sends them to set
    one up before any admin page is served.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        user = request.user
        if (
            request.path.startswith(self.admin_prefix)
            and user.is_authenticated
            and user.is_staff
            and not user.has_second_factor
        ):
            messages.warning(
                request,
                "Staff accounts need two-factor authentication. Set up an authenticator app, "
                "a security key or a passkey to continue to the admin.",
            )
            return redirect("mfa_index")
        return self.get_response(request)


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    """Django's, with request.user kept beside the session when it can be (forums.sessions)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    if not hasattr(request, "_cached_user"):  # where Django's get_user keeps it for the request
        request._cached_user = signed_in_member(request)
    return request._cached_user
