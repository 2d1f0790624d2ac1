from django import forms
from django.db import transaction

from privacy import consent
from privacy.models import Consent, PolicyVersion

from .models import User

TERMS_TEXT_KEY = "signup-terms"
NEWSLETTER_TEXT_KEY = "signup-newsletter"


class SignupForm(forms.Form):
    """allauth's extra sign-up fields (ACCOUNT_SIGNUP_FORM_CLASS).

    The labels are the stored consent wordings, so the ledger can prove what was shown (P2, P9).
    """

    accept_terms = forms.BooleanField(
        required=True,
        error_messages={"required": "You need to accept the terms and the privacy policy to join."},
    )
    newsletter = forms.BooleanField(required=False, initial=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms_text = consent.current_text(TERMS_TEXT_KEY)
        self.newsletter_text = consent.current_text(NEWSLETTER_TEXT_KEY)
        self.fields["accept_terms"].label = self.terms_text.wording
        self.fields["newsletter"].label = self.newsletter_text.wording

    def signup(self, request, user: User) -> None:
        source = Consent.Source.SIGNUP
        with transaction.atomic():
            for purpose, kind in (
                (consent.TERMS, PolicyVersion.TERMS),
                (consent.PRIVACY_POLICY, PolicyVersion.PRIVACY),
            ):
                consent.record(
                    user=user,
                    purpose=purpose,
                    granted=True,
                    source=source,
                    text=self.terms_text,
                    policy=PolicyVersion.objects.in_force(kind),
                )
            if self.cleaned_data["newsletter"]:
                consent.record(
                    user=user,
                    purpose=consent.NEWSLETTER,
                    granted=True,
                    source=source,
                    text=self.newsletter_text,
                )


class ProfileForm(forms.ModelForm):
    """The optional public profile (P1): every field may be left empty or cleared."""

    class Meta:
        model = User
        fields = ["display_name", "job_title", "company", "location", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "display_name": "Shown instead of your username, if you like.",
            "bio": "A few words about you and your work. Markdown is not rendered here.",
        }
