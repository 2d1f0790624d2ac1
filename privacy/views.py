from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from . import registry


@permission_required("privacy.view_register", raise_exception=True)
def register(request):
    """The register of processing (P27), generated from the code's own declarations."""
    return render(request, "privacy/register.html", {"declarations": registry.declarations()})
