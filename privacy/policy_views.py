from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render

from community.redirects import safe_next_url

from . import policy_changes
from .policies.forms import AcceptTermsForm


def history(request):
    """Every version of the policies with its effective date and changes (P24)."""
    return render(request, "privacy/history.html", {"documents": policy_changes.history()})


@login_required
def accept_terms(request):
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    terms = policy_changes.terms_to_accept(request.user)
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
