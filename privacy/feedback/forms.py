"""The feedback form (P16)."""

from django import forms

from community.antispam import AntiSpamMixin

from .models import Feedback


class FeedbackForm(AntiSpamMixin, forms.Form):
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
