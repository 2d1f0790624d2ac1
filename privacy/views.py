from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render

from . import registry
from .cookies.choices import declared_groups
from .models import PolicyVersion


def policy(request, kind: str):
    """The version of a policy in force today (P24, P25)."""
    document = PolicyVersion.objects.in_force(kind)
    if document is None:
        raise Http404("This policy has not been published yet.")
    context = {"document": document}
    if kind == PolicyVersion.PRIVACY:
        context["declarations"] = registry.declarations()
    if kind == PolicyVersion.COOKIES:
        context["cookie_groups"] = declared_groups()
    return render(request, "privacy/policy.html", context)


@permission_required("privacy.view_register", raise_exception=True)
def register(request):
    """The register of processing (P27), generated from the code's own declarations."""
    return render(request, "privacy/register.html", {"declarations": registry.declarations()})
