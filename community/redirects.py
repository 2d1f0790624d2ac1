"""Redirects to a target the client chose (a `next` field or parameter).

Every such redirect goes through here. The target is used only as a URL on this site, never
handed to `redirect()`, which would first try it as a URL pattern name: a `next` of "-1" then
raises NoReverseMatch (a 500) and a name such as "admin:index" would pick the page for us.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from community.validators import has_control_characters


def is_safe_next_url(request, target: str | None) -> bool:
    """Whether `target` is a path on this site.

    Only absolute paths count: our pages send `request.get_full_path()`, and a relative one
    ("-1") would land on a URL made up from the page the form was posted to. Our pages never
    send control characters either (CR/LF, NUL), so a target holding one is not ours.
    """
    return bool(
        target
        and target.startswith("/")
        and not has_control_characters(target)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def safe_next_url(request, target: str | None, fallback: str = "/") -> str:
    """`target` if it is a path on this site, otherwise `fallback` (a URL or one of our URL
    names)."""
    return target if is_safe_next_url(request, target) else resolve_url(fallback)


def redirect_to_next(request, target: str | None, fallback: str = "/") -> HttpResponseRedirect:
    """A redirect to `target` if it is safe (see safe_next_url), otherwise to `fallback`."""
    return HttpResponseRedirect(safe_next_url(request, target, fallback))
