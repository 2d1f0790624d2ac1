"""The newsletter's forms: a member's choice on the preferences page, a visitor's sign-up."""

from django import forms

from community.antispam import AntiSpamMixin

from .. import consent
from ..models import Consent
from ..stats import count_feature
from .subscription import VISITOR_TEXT_KEY

PREFERENCES_TEXT_KEY = "preferences-newsletter"


class PreferencesForm(forms.Form):
    """A member's newsletter choice (consent, P9). Reply emails are switched on the member's
    account page, which the preferences page links to."""

    newsletter = forms.BooleanField(required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.newsletter_text = consent.current_text(PREFERENCES_TEXT_KEY)
        initial = {"newsletter": consent.has_consent(consent.NEWSLETTER, user=user)}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["newsletter"].label = self.newsletter_text.wording

    def save(self) -> None:
        wanted = self.cleaned_data["newsletter"]
        if wanted != self.initial["newsletter"]:
            consent.record(
                user=self.user,
                purpose=consent.NEWSLETTER,
                granted=wanted,
                source=Consent.Source.PREFERENCES,
                text=self.newsletter_text,
            )
            if wanted:
                count_feature("newsletter-signup")


class SubscribeForm(AntiSpamMixin, forms.Form):
    """A visitor's newsletter sign-up: an email address and nothing else."""

    email = forms.EmailField(max_length=254, label="Your email address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text = consent.current_text(VISITOR_TEXT_KEY)
