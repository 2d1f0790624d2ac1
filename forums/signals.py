from allauth.account.adapter import get_adapter
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import SignIn


@receiver(user_logged_in, dispatch_uid="forums.record_sign_in")
def record_sign_in(sender, request, user, **kwargs):
    """Keep a record of each sign-in so the member can spot one that was not theirs (P6)."""
    if request is None:
        return
    SignIn.objects.create(
        user=user,
        ip_address=get_adapter(request).get_client_ip(request) or None,
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
