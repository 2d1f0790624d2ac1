from django.http import Http404
from django.shortcuts import render

from .models import PolicyVersion


def policy(request, kind: str):
    """The version of a policy in force today (P24, P25)."""
    document = PolicyVersion.objects.in_force(kind)
    if document is None:
        raise Http404("This policy has not been published yet.")
    return render(request, "privacy/policy.html", {"document": document})
