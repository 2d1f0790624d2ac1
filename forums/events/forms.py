"""The registration form (who is coming, the event's questions, the explicitly consented needs
field, the sponsor box) and the staff's check-in form."""

from django import forms
from django.utils import timezone

from community.antispam import AntiSpamMixin
from community.validators import validate_single_line
from privacy.models import ConsentText
from privacy.sponsors import services as sponsor_services

from . import checkout
from .models import Event, TicketType

ANSWER_MAX_LENGTH = 500
NEEDS_REASON = (
    "We ask only so that we can make the event work for you (step-free access, a hearing loop, "
    "food you can eat). This can be health information, so we keep it only if you tick the box "
    "below, show it only to the staff who organise the event, and delete it {days} days after "
    "the event."
)


class RegistrationForm(AntiSpamMixin, forms.Form):
    ticket_type = forms.ModelChoiceField(
        queryset=TicketType.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of this event's tickets."},
    )
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    email = forms.EmailField(max_length=254)
    company = forms.CharField(
        max_length=120,
        required=False,
        label="Company (optional)",
        validators=[validate_single_line],
    )
    job_title = forms.CharField(
        max_length=120,
        required=False,
        label="Job title (optional)",
        validators=[validate_single_line],
    )
    needs = forms.CharField(
        label="What you need",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "needs-why"}),
    )
    needs_consent = forms.BooleanField(
        required=False,
        label=(
            "I agree that the site keeps the access or dietary needs I gave above, for organising "
            "this event, and deletes them soon after it."
        ),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        tickets = event.ticket_types.all()
        if not checkout.paid_tickets_on_sale():
            tickets = tickets.filter(price=0)
        self.fields["ticket_type"].queryset = tickets
        self.fields["ticket_type"].initial = tickets.first()
        self.questions = list(event.questions.all())
        for question in self.questions:
            label = question.text if question.required else f"{question.text} (optional)"
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=label, max_length=ANSWER_MAX_LENGTH, required=question.required
            )
        if event.sponsor_id:
            self._add_sponsor_box(event.sponsor)

    def _add_sponsor_box(self, sponsor) -> None:
        """The sponsored resources' box and wording for this sponsor (P8, P23): unticked."""
        self.sponsor_text = sponsor_services.consent_text(sponsor)
        self.fields["sponsor_consent"] = forms.BooleanField(
            required=False, label=self.sponsor_text.wording
        )
        self.fields["sponsor_wording"] = forms.ModelChoiceField(
            queryset=ConsentText.objects.filter(key=self.sponsor_text.key),
            initial=self.sponsor_text.pk,
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": "This form has changed: check it and send again."},
        )

    def clean(self):
        data = super().clean()
        if data.get("needs", "").strip() and not data.get("needs_consent"):
            self.add_error(
                "needs_consent",
                "Tick this box for us to keep your needs, or empty the field above.",
            )
        return data

    @property
    def has_tickets(self) -> bool:
        return self.fields["ticket_type"].queryset.exists()

    def about_you(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "email", "company", "job_title")]

    def event_questions(self) -> list[forms.BoundField]:
        return [self[f"question_{q.pk}"] for q in self.questions]

    def details(self) -> dict:
        """The registration's fields; the needs only with their explicit consent (Art. 9)."""
        data = self.cleaned_data
        consented = bool(data["needs_consent"] and data["needs"].strip())
        return {
            "name": data["name"],
            "email": data["email"],
            "company": data["company"],
            "job_title": data["job_title"],
            "needs": data["needs"].strip() if consented else "",
            "needs_consent_at": timezone.now() if consented else None,
        }

    def answers(self) -> list[tuple]:
        return [(q, self.cleaned_data[f"question_{q.pk}"]) for q in self.questions]


class CheckInForm(forms.Form):
    ticket = forms.CharField(
        label="Ticket code", max_length=100, help_text="As printed on the ticket, or scanned."
    )
