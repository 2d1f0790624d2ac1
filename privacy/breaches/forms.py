"""The breach register's admin forms: the record itself, and what each action asks for."""

from django import forms
from django.utils import timezone

from .. import registry
from .models import Breach


def kind_choices() -> list[tuple[str, str]]:
    """Every declaration, labelled with what the site holds of it now (the inventory), so staff
    see roughly how many people a kind of data concerns."""
    choices = []
    for holding in registry.inventory():
        people = "people unknown" if holding.people is None else f"{holding.people} people"
        label = f"{holding.declaration.name} ({holding.rows} rows, {people})"
        choices.append((holding.declaration.key, label))
    return choices


class BreachForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label="Kinds of data affected",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="From the registry; the counts are what the site holds now. Left empty, "
        "“people affected” is the number of members holding data of the kinds chosen.",
    )

    class Meta:
        model = Breach
        fields = [
            "summary",
            "description",
            "discovered_at",
            "kinds",
            "people_affected",
            "consequences",
            "measures",
            "notice_subject",
            "notice_body",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kinds" in self.fields:
            self.fields["kinds"].choices = kind_choices()

    def clean_discovered_at(self):
        discovered = self.cleaned_data["discovered_at"]
        if discovered > timezone.now():
            raise forms.ValidationError("A breach cannot be discovered in the future.")
        return discovered


class AuthorityNotifiedForm(forms.Form):
    at = forms.DateTimeField(
        label="When the authority was notified",
        initial=timezone.now,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    how = forms.CharField(
        label="How (channel, case reference)", widget=forms.Textarea(attrs={"rows": 3})
    )
    delay_reason = forms.CharField(
        label="Reasons for the delay (if more than 72 hours after discovery)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 4}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ConfirmSendForm(forms.Form):
    confirm = forms.BooleanField(
        label="Send the email to the members listed above now", required=True
    )
