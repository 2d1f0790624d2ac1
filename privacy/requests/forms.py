"""Forms for data-subject requests (P12-P14)."""

from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings

from community.antispam import AntiSpamMixin

from .models import DataRequest

Kind = DataRequest.Kind
# What a member asks for through the "other requests" form: the export and erasure have their
# own buttons (unless staff produce exports by hand).
STAFF_HANDLED_KINDS = [Kind.RECTIFICATION, Kind.RESTRICTION, Kind.OBJECTION, Kind.WITHDRAW_CONSENT]


class MemberRequestForm(AntiSpamMixin, forms.Form):
    kind = forms.ChoiceField(label="What would you like?", choices=())
    details = forms.CharField(
        label="Tell us more",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="For a correction: what is wrong and what it should say. For a restriction or "
        "an objection: which use of your data, and why.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = list(STAFF_HANDLED_KINDS)
        if not settings.DATA_REQUESTS_SELF_SERVICE_EXPORT:
            kinds.insert(0, Kind.ACCESS)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class VisitorRequestForm(AntiSpamMixin, forms.Form):
    email = forms.EmailField(
        label="Your email address",
        help_text="We send a link to this address: the request exists once you follow it.",
    )
    kind = forms.ChoiceField(label="What would you like?", choices=Kind.choices)
    details = forms.CharField(
        label="Tell us more",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Optional for a copy or an erasure; needed for anything else.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") not in (Kind.ACCESS, Kind.ERASURE) and not cleaned.get("details"):
            self.add_error("details", "Tell us what you would like us to do.")
        return cleaned


class ErasureForm(forms.Form):
    """Erasing an account is confirmed with the password, and the second factor if set up."""

    posts = forms.ChoiceField(
        label="Your forum posts",
        widget=forms.RadioSelect,
        choices=[
            ("delete", "Delete my posts"),
            ("keep", "Keep my posts, shown as written by \u201ca former member\u201d"),
        ],
    )
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Code from your authenticator app (or a recovery code)",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.authenticators = list(
            Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
            )
        )
        if not self.authenticators:
            del self.fields["code"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not any(auth.wrap().validate_code(code) for auth in self.authenticators):
            raise forms.ValidationError("That code is not valid. Try the current one.")
        return code

    @property
    def keep_posts(self) -> bool:
        return self.cleaned_data["posts"] == "keep"
