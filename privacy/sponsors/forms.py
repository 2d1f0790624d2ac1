"""The sign-up form for a sponsored resource (P23): who is asking, the sponsor's questions, and
the sponsor consent box."""

from django import forms
from django.core.validators import RegexValidator

from community.antispam import AntiSpamMixin

from ..models import ConsentText, Lead, Resource, SponsorQuestion
from . import services

ANSWER_MAX_LENGTH = 500
YES_NO = [("", "Choose…"), ("Yes", "Yes"), ("No", "No")]


class ResourceForm(AntiSpamMixin, forms.Form):
    """Who is asking for the resource, the sponsor's questions, and the sponsor consent box."""

    name = forms.CharField(max_length=120)
    company = forms.CharField(max_length=120, required=False, label="Company (optional)")
    job_title = forms.CharField(max_length=120, required=False, label="Job title (optional)")
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Phone (optional)",
        validators=[RegexValidator(r"^\+?[0-9 ()./-]{6,40}$", "Enter a phone number.")],
    )
    email = forms.EmailField(max_length=254)
    agents = forms.ChoiceField(
        label="Number of agents (optional)", choices=[("", "Choose…"), *Lead.AGENTS], required=False
    )

    def __init__(self, *args, resource: Resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(resource.questions.all())
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = self.question_field(question)
        self.text = services.consent_text(resource.sponsor)
        # Last, unticked: consent is free, and the resource is given either way (P23).
        self.fields["consent"] = forms.BooleanField(
            required=False,
            label=self.text.wording,
            widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-hint"}),
        )
        # The version of the wording this person saw, so the ledger records exactly that one.
        self.fields["wording"] = forms.ModelChoiceField(
            queryset=ConsentText.objects.filter(key=self.text.key),
            initial=self.text.pk,
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": "This form has changed: check it and send again."},
        )

    @staticmethod
    def question_field(question: SponsorQuestion) -> forms.Field:
        label = question.text if question.required else f"{question.text} (optional)"
        if question.kind == SponsorQuestion.Kind.TEXT:
            return forms.CharField(
                label=label, max_length=ANSWER_MAX_LENGTH, required=question.required
            )
        if question.kind == SponsorQuestion.Kind.CHOICE:
            choices = [("", "Choose…"), *((o, o) for o in question.option_list)]
        else:
            choices = YES_NO
        return forms.ChoiceField(label=label, choices=choices, required=question.required)

    def about_you(self) -> list[forms.BoundField]:
        return [self[field] for field, _ in services.LEAD_FIELDS]

    def sponsor_questions(self) -> list[forms.BoundField]:
        return [self[f"question_{q.pk}"] for q in self.questions]

    def details(self) -> dict:
        return {field: self.cleaned_data[field] for field, _ in services.LEAD_FIELDS}

    def answers(self) -> list[dict]:
        """Each question asked with its answer, as the sponsor would see them."""
        return [
            {"question": q.text, "answer": self.cleaned_data[f"question_{q.pk}"]}
            for q in self.questions
        ]
