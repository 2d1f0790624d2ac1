"""Sponsored resources (P23): the list, a resource's sign-up form, and the signed download."""

import os

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import registry
from ..cookies import preferences
from ..models import Resource, Sponsor
from ..stats import count_feature
from . import services
from .forms import ResourceForm


def resource_list(request):
    resources = Resource.objects.published().order_by("-created")
    return render(request, "privacy/resource_list.html", {"resources": resources})


def _initial(request) -> dict:
    """The member's profile (P23), or what a visitor let us remember (P22)."""
    if request.user.is_authenticated:
        return registry.member_facts(request.user)
    return preferences.remembered_contact(request)


def resource_detail(request, slug: str):
    resource = get_object_or_404(Resource.objects.published(), slug=slug)
    if request.method == "POST":
        if limited := ratelimit.consume_or_429(request, action="resource_signup"):
            return limited
        form = ResourceForm(request.POST, resource=resource)
        if form.is_valid():
            user = request.user if request.user.is_authenticated else None
            services.sign_up(
                resource,
                user=user,
                details=form.details(),
                answers=form.answers(),
                consented=form.cleaned_data["consent"],
                text=form.cleaned_data["wording"],
            )
            count_feature("resource-request")
            token = services.access_token(resource)
            response = redirect("resources:access", slug=resource.slug, token=token)
            preferences.remember_visitor_contact(request, response, form.cleaned_data)
            return response
    else:
        form = ResourceForm(initial=_initial(request), resource=resource)
    status = 400 if form.is_bound else 200
    return render(
        request, "privacy/resource_detail.html", {"resource": resource, "form": form}, status=status
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    """A member withdraws their permission to pass their details to one sponsor (P14)."""
    sponsor = get_object_or_404(Sponsor, pk=pk)
    if services.withdraw(sponsor, request.user):
        messages.success(request, f"We will no longer pass your details to {sponsor.name}.")
    return redirect("privacy:my_data")


def _resource_for_token(slug: str, token: str) -> Resource | None:
    resource = Resource.objects.published().filter(slug=slug).first()
    if resource is not None and services.read_access_token(token, resource):
        return resource
    return None


def _link_not_valid(request, slug: str):
    """A tampered or expired link: say so and offer the form again."""
    resource = Resource.objects.published().filter(slug=slug).first()
    return render(request, "privacy/resource_expired.html", {"resource": resource}, status=404)


def resource_access(request, slug: str, token: str):
    """After the form: the download link, or the webinar's date and joining details."""
    resource = _resource_for_token(slug, token)
    if resource is None:
        return _link_not_valid(request, slug)
    download_url = reverse("resources:download", args=[resource.slug, token])
    context = {
        "resource": resource,
        "download_url": download_url,
        "link_hours": settings.SPONSORED_RESOURCE_LINK_HOURS,
    }
    return render(request, "privacy/resource_access.html", context)


def resource_download(request, slug: str, token: str):
    """The file, only through a signed link that expires (never as public media)."""
    resource = _resource_for_token(slug, token)
    if resource is None:
        return _link_not_valid(request, slug)
    if not resource.file:
        raise Http404("This resource has no file.")
    return FileResponse(
        resource.file.open("rb"), as_attachment=True, filename=os.path.basename(resource.file.name)
    )
