from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.core import context
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied

from community.redirects import is_safe_next_url

from .models import User

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # allauth's email fields have no length limit; the database column has one.
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                f"Ensure this value has at most {EMAIL_MAX_LENGTH} characters."
            )
        return super().clean_email(email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's emails are signed with the site's name and address (templates/account/
        # email/), not with the host the request came through.
        context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
        super().send_mail(template_prefix, email, context)

    def is_safe_url(self, url: str) -> bool:
        # allauth's `next` (sign-in, sign-out, sign-up) follows the site's one rule for
        # redirects to a target the client chose.
        return is_safe_next_url(context.request, url)


def client_ip(request) -> str | None:
    """The visitor's address as allauth sees it (honouring ALLAUTH_TRUSTED_PROXY_COUNT)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no usable address (a test client, a misconfigured proxy)
        return None
