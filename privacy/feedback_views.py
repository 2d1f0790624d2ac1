"""Feedback and support requests from members and visitors, and the published ones (P16)."""

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from . import cookies, feedback
from .models import Feedback


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label="What is it?", choices=Feedback.Kind.choices)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)
    name = forms.CharField(max_length=120, required=False, label="Your name (optional)")
    email = forms.EmailField(
        max_length=254, label="Your email address", help_text="So that we can answer you."
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Members can be answered at their account's address (P1: ask for no more).
            self.fields["email"].required = False
            self.fields["email"].label = "Another email address to answer (optional)"
            self.fields["email"].help_text = f"Otherwise we answer {user.email}."


def send(request):
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        if limited := ratelimit.consume_or_429(request, action="feedback"):
            return limited
        form = FeedbackForm(request.POST, user=user)
        if form.is_valid():
            feedback.receive(user=user, **form.cleaned_data)
            messages.success(request, "Thank you: your message has reached the team.")
            response = redirect("feedback:send")
            if user is None:
                cookies.remember_contact(
                    request,
                    response,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                )
            return response
    else:
        form = FeedbackForm(user=user, initial={} if user else cookies.remembered_contact(request))
    status = 400 if form.is_bound else 200
    return render(request, "privacy/feedback_form.html", {"form": form}, status=status)


def published(request):
    page = Paginator(Feedback.objects.published(), 20).get_page(request.GET.get("page"))
    return render(request, "privacy/feedback_published.html", {"page": page})
