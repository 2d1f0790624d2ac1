"""Accepting updated terms (P2, P24), recorded in the consent ledger."""

from django import forms

from .. import consent
from ..models import Consent, PolicyVersion

TERMS_UPDATE_TEXT_KEY = "terms-update"


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
