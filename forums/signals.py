from allauth.account.adapter import get_adapter
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from .models import SignIn


@receiver(user_logged_in, dispatch_uid="forums.record_sign_in")
def record_sign_in(sender, request, user, **kwargs):
    """Keep a record of each sign-in so the member can spot one that was not theirs (P6)."""
    if request is None:
        return
    try:
        ip_address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no usable address (a test client, a misconfigured proxy)
        ip_address = None
    SignIn.objects.create(
        user=user,
        ip_address=ip_address,
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
