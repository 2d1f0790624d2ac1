from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction

from . import consent
from .models import Consent, PolicyVersion

PREFERENCES_TEXT_KEY = "preferences-newsletter"
TERMS_UPDATE_TEXT_KEY = "terms-update"


def _has_reply_switch() -> bool:
    return any(f.name == "notify_replies" for f in get_user_model()._meta.get_fields())


class PreferencesForm(forms.Form):
    """A member's email choices: the newsletter (consent, P9) and reply emails (P11)."""

    newsletter = forms.BooleanField(required=False)
    notify_replies = forms.BooleanField(
        required=False,
        label="Email me when someone replies in a topic I take part in.",
        help_text="One email per topic until you visit it again. Never marketing.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.newsletter_text = consent.current_text(PREFERENCES_TEXT_KEY)
        initial = {"newsletter": consent.has_consent(consent.NEWSLETTER, user=user)}
        if _has_reply_switch():
            initial["notify_replies"] = user.notify_replies
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["newsletter"].label = self.newsletter_text.wording
        if not _has_reply_switch():
            del self.fields["notify_replies"]

    def save(self) -> None:
        with transaction.atomic():
            wanted = self.cleaned_data["newsletter"]
            if wanted != self.initial["newsletter"]:
                consent.record(
                    user=self.user,
                    purpose=consent.NEWSLETTER,
                    granted=wanted,
                    source=Consent.Source.PREFERENCES,
                    text=self.newsletter_text,
                )
            if "notify_replies" in self.fields:
                self.user.notify_replies = self.cleaned_data["notify_replies"]
                self.user.save(update_fields=["notify_replies"])


class SubscribeForm(forms.Form):
    """A visitor's newsletter sign-up: an email address and nothing else."""

    email = forms.EmailField(max_length=254, label="Your email address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text = consent.current_text("visitor-newsletter")


class AcceptTermsForm(forms.Form):
    accept = forms.BooleanField(
        required=True,
        error_messages={"required": "Tick the box to accept the updated terms, or log out."},
    )

    def __init__(self, *args, user, terms: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.terms = user, terms
        self.text = consent.current_text(TERMS_UPDATE_TEXT_KEY)
        self.fields["accept"].label = self.text.wording

    def save(self) -> None:
        consent.record(
            user=self.user,
            purpose=consent.TERMS,
            granted=True,
            source=Consent.Source.POLICY_UPDATE,
            text=self.text,
            policy=self.terms,
        )
