"""Feedback and support requests from members and visitors, and the published ones (P16)."""

from allauth.core import ratelimit
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from ..cookies import preferences
from ..stats import count_feature
from . import publication
from .forms import FeedbackForm
from .models import Feedback


def send(request):
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        if limited := ratelimit.consume_or_429(request, action="feedback"):
            return limited
        form = FeedbackForm(request.POST, user=user)
        if form.is_valid():
            publication.receive(user=user, **form.cleaned_data)
            count_feature("feedback")
            messages.success(request, "Thank you: your message has reached the team.")
            response = redirect("feedback:send")
            preferences.remember_visitor_contact(request, response, form.cleaned_data)
            return response
    else:
        form = FeedbackForm(
            user=user, initial={} if user else preferences.remembered_contact(request)
        )
    status = 400 if form.is_bound else 200
    return render(request, "privacy/feedback_form.html", {"form": form}, status=status)


def published(request):
    page = Paginator(Feedback.objects.published(), 20).get_page(request.GET.get("page"))
    return render(request, "privacy/feedback_published.html", {"page": page})
