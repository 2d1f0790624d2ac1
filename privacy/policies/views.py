"""The policy pages (P24, P25): the version in force, the history of every version, and the
page where a member accepts updated terms."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render

from community.redirects import safe_next_url

from .. import registry
from ..cookies.choices import declared_groups
from . import acceptance, versions
from .forms import AcceptTermsForm
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


def history(request):
    """Every version of the policies with its effective date and changes (P24)."""
    return render(request, "privacy/history.html", {"documents": versions.history()})


@login_required
def accept_terms(request):
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    terms = acceptance.terms_to_accept(request.user)
    if terms is None:
        return HttpResponseRedirect(next_url)
    if request.method == "POST":
        form = AcceptTermsForm(request.POST, user=request.user, terms=terms)
        if form.is_valid():
            form.save()
            return HttpResponseRedirect(next_url)
    else:
        form = AcceptTermsForm(user=request.user, terms=terms)
    context = {"form": form, "terms": terms, "next": next_url}
    return render(request, "privacy/accept_terms.html", context)
