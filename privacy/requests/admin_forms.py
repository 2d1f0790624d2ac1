"""What the data-request admin asks staff: the due filter of the list, and the reason, outcome
or new date that some steps need (privacy/requests/admin.py)."""

from django import forms
from django.contrib import admin

from .digest import DIGEST_DAYS
from .models import DataRequest


class DueFilter(admin.SimpleListFilter):
    """The list opens on the requests still to be answered; "All" shows the closed ones too."""

    title = "due"
    parameter_name = "due"
    default = "pending"

    def lookups(self, request, model_admin):
        return [
            ("pending", "All pending"),
            ("week", f"Due within {DIGEST_DAYS} days"),
            ("overdue", "Overdue"),
            ("all", "All"),
        ]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "week":
            return queryset.due_within(DIGEST_DAYS)
        if self.value() == "all":
            return queryset
        return queryset.pending()


class ReasonForm(forms.Form):
    text = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}))


class RefusalForm(ReasonForm):
    category = forms.ChoiceField(
        label="Category (counted in the transparency report)",
        choices=DataRequest.RefusalCategory.choices,
    )


class OutcomeForm(forms.Form):
    text = forms.CharField(
        label="Outcome (the requester is told)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtensionForm(forms.Form):
    until = forms.DateField(
        label="New due date",
        help_text="At most three months after the request was received.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(
        label="Why it needs more time (the requester is told)",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
