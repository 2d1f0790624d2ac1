"""Emails sent by the site: one template trio per email under templates/emails/."""

from allauth.core import ratelimit
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from community.validators import single_line

from .cookies.preferences import remember_contact


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def build(name: str, to: str, context: dict, headers: dict | None = None) -> EmailMultiAlternatives:
    """`emails/<name>_subject.txt`, `<name>.txt` and `<name>.html` as one message, with extra
    `headers` (`List-Unsubscribe`, say) if given."""
    return message(render_parts(name, context), to, headers)


def render_parts(name: str, context: dict) -> dict[str, str]:
    """The subject, text and HTML of `emails/<name>…`; `message` makes them one recipient's
    email, so an email going to many (the newsletter) is rendered only once."""
    context = {"SITE_NAME": settings.SITE_NAME, "DPO_EMAIL": settings.DPO_EMAIL, **context}
    return {
        # A title stored before titles had to be one line must not stop the email (BadHeaderError).
        "subject": single_line(render_to_string(f"emails/{name}_subject.txt", context)),
        "text": render_to_string(f"emails/{name}.txt", context),
        "html": render_to_string(f"emails/{name}.html", context),
    }


def message(
    rendered: dict[str, str], to: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    """A rendered email (see `render_parts`) to one address, with its text and HTML parts."""
    email = EmailMultiAlternatives(
        subject=rendered["subject"], body=rendered["text"], to=[to], headers=headers
    )
    email.attach_alternative(rendered["html"], "text/html")
    return email


def limit_confirmations(request, *, action: str, email: str) -> HttpResponse | None:
    """Before a form emails an address a visitor typed: None if one more email may go, else the
    429 page. `ACCOUNT_RATE_LIMITS[action]` limits both this client ("/ip") and the address
    ("/key"), so the form can flood neither many inboxes nor one."""
    if ratelimit.consume(request, action=action, key=email.strip().lower()):
        return None
    return render(request, "privacy/too_many_emails.html", status=429)


def confirm_by_email(request, *, action: str, email: str, start, page: str) -> HttpResponse:
    """A visitor's form whose effect waits for a link emailed to the address they typed: within
    the rate limit of `action`, `start()` queues the email, and `page` tells them to check their
    inbox; the address is remembered for the next form only if they allow it (P22)."""
    if limited := limit_confirmations(request, action=action, email=email):
        return limited
    start()
    response = render(request, page, {"email": email})
    remember_contact(request, response, email=email)
    return response
