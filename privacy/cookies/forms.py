"""The banner's "Choose" form and the cookie settings page's form."""

from cookie_consent.cache import all_cookie_groups
from cookie_consent.models import CookieGroup
from django import forms


class CookieChoiceForm(forms.Form):
    """The banner's "Choose" form and the settings page: accept all, reject all, or some."""

    ACCEPT_ALL, REJECT_ALL, SAVE = "accept-all", "reject-all", "save"

    choice = forms.ChoiceField(
        choices=[(ACCEPT_ALL, "Accept all"), (REJECT_ALL, "Reject all"), (SAVE, "Save my choices")]
    )
    accepted = forms.MultipleChoiceField(
        required=False,
        choices=lambda: [(varname, group.name) for varname, group in all_cookie_groups().items()],
    )

    def chosen_groups(self) -> dict[str, list[CookieGroup]]:
        groups = all_cookie_groups()
        choice = self.cleaned_data["choice"]
        if choice == self.ACCEPT_ALL:
            accepted = set(groups)
        elif choice == self.REJECT_ALL:
            accepted = set()
        else:
            accepted = set(self.cleaned_data["accepted"])
        return {
            "accept": [g for v, g in groups.items() if v in accepted],
            "decline": [g for v, g in groups.items() if v not in accepted],
        }
