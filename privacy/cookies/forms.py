"""The banner's "Choose" form and the cookie settings page's form."""

from cookie_consent.cache import all_cookie_groups
from cookie_consent.models import CookieGroup
from django import forms

from .choices import in_use


def groups_in_use() -> dict[str, CookieGroup]:
    """The optional groups a visitor is asked about (`choices.in_use`), by varname."""
    return {varname: group for varname, group in all_cookie_groups().items() if in_use(group)}


class CookieChoiceForm(forms.Form):
    """The banner's "Choose" form and the settings page: accept all, reject all, or some. Only
    the groups in use can be accepted (nobody is asked about the others, so "Accept all" must
    not grant them); rejecting declines every optional group."""

    ACCEPT_ALL, REJECT_ALL, SAVE = "accept-all", "reject-all", "save"

    choice = forms.ChoiceField(
        choices=[(ACCEPT_ALL, "Accept all"), (REJECT_ALL, "Reject all"), (SAVE, "Save my choices")]
    )
    accepted = forms.MultipleChoiceField(
        required=False,
        choices=lambda: [(varname, group.name) for varname, group in groups_in_use().items()],
    )

    def chosen_groups(self) -> dict[str, list[CookieGroup]]:
        """ "Accept all" accepts the groups in use and leaves the others undecided, as the bar
        does (they are asked about once in use); rejecting or saving declines the rest."""
        groups = all_cookie_groups()
        choice = self.cleaned_data["choice"]
        if choice == self.ACCEPT_ALL:
            return {"accept": list(groups_in_use().values()), "decline": []}
        accepted = set(self.cleaned_data["accepted"]) if choice == self.SAVE else set()
        return {
            "accept": [g for v, g in groups.items() if v in accepted],
            "decline": [g for v, g in groups.items() if v not in accepted and not g.is_required],
        }
