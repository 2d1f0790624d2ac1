from django.shortcuts import render

from .report import SMALLEST_SHOWN, report


def transparency(request):
    """The transparency report, for anyone: figures only, small ones blurred."""
    context = {"quarters": report(), "smallest": SMALLEST_SHOWN}
    return render(request, "privacy/transparency.html", context)
