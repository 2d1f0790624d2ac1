"""Anti-spam without tracking: a honeypot field and a minimum time to fill a form in.

No cookie, no session, no third party. Every form that takes free text from visitors or members
carries two extra fields (AntiSpamMixin):
- a signed timestamp (django.core.signing, a salt per form) in a hidden field, issued each time
  the form is shown: a form sent back sooner than ANTISPAM_MIN_SECONDS, or without a valid stamp,
  was not filled in by a person;
- a text field that people never see (the `hidden` attribute keeps it from eyes, screen readers
  and the keyboard) but that form-filling robots do: anything typed into it means a robot.

Either way the form answers with an error in plain words and a fresh stamp, never a silent drop:
a person whose browser's autofill tripped it, or who was very quick, just sends again.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string

STAMP_FIELD = "form_started"
HONEYPOT_FIELD = "website"
# A stamp is a float, a timestamp and two signatures: anything longer was not made here.
STAMP_MAX_LENGTH = 100

TOO_FAST = "That was quicker than we expect from a person. Please check the form and send it again."
NO_STAMP = "This form could not be checked (it may have been open too long). Please send it again."
HONEYPOT_FILLED = (
    "A box meant to stay empty was filled in (sometimes a browser's autofill does this). "
    "Please send the form again."
)


def salt_for(form_class: type) -> str:
    """Each form signs with its own salt, so a stamp from one form cannot serve another."""
    return f"community.antispam:{form_class.__module__}.{form_class.__qualname__}"


def issue(salt: str, *, at: float | None = None) -> str:
    """A stamp saying "this form was shown at `at`" (now by default)."""
    return signing.dumps(time.time() if at is None else at, salt=salt)


def problem(data, salt: str) -> str | None:
    """What is wrong with a submission's anti-spam fields, in words for the person, or None."""
    if data.get(HONEYPOT_FIELD, ""):
        return HONEYPOT_FILLED
    stamp = data.get(STAMP_FIELD, "")
    if not stamp or len(stamp) > STAMP_MAX_LENGTH:
        return NO_STAMP
    try:
        shown = float(signing.loads(stamp, salt=salt, max_age=settings.ANTISPAM_MAX_AGE_SECONDS))
    except (signing.BadSignature, TypeError, ValueError):
        return NO_STAMP
    if time.time() - shown < settings.ANTISPAM_MIN_SECONDS:
        return TOO_FAST
    return None


class HoneypotInput(forms.TextInput):
    """A text input inside a `hidden` wrapper with its own label. Counted among the form's hidden
    fields, so every form template that writes those writes this one too."""

    template_name = "includes/honeypot.html"
    is_hidden = True

    def render(self, name, value, attrs=None, renderer=None):
        # The site's templates (not the form renderer's, which sees only Django's own).
        return render_to_string(self.template_name, self.get_context(name, "", attrs))


class ReissuedField(forms.CharField):
    """A field whose value is never echoed back: a form shown again after an error carries its
    initial value (a fresh stamp, an empty honeypot), not what was sent."""

    def bound_data(self, data, initial):
        return initial


class AntiSpamMixin:
    """Add to a Form (before forms.Form in the bases). Its errors are the form's own (non-field)
    errors, shown where the templates show those."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        salt = salt_for(type(self))
        self.fields[STAMP_FIELD] = ReissuedField(
            required=False, widget=forms.HiddenInput, initial=lambda: issue(salt)
        )
        self.fields[HONEYPOT_FIELD] = ReissuedField(
            required=False, label="Leave this box empty", initial="", widget=HoneypotInput
        )

    def clean(self):
        cleaned = super().clean()
        refused = problem(self.data, salt_for(type(self)))
        if refused:
            self.add_error(None, refused)
        # Not the form's data: views pass cleaned_data on as it is (`state.create(**cleaned)`).
        for name in (STAMP_FIELD, HONEYPOT_FIELD):
            self.cleaned_data.pop(name, None)
        return self.cleaned_data if cleaned is None else cleaned
