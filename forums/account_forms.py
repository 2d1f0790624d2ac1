"""allauth's own forms where the site needs more of them (ACCOUNT_FORMS in settings).

Kept apart from forums/forms.py, which allauth imports while it builds its own forms (the
sign-up form's extra fields) and so must not import allauth.account.forms.
"""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms

from .adapters import EMAIL_MAX_LENGTH


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A username or an email address: allauth's field for either has no length limit, and
        # SQLite refuses to look up a 100,000-character name ("LIKE pattern too complex").
        login = self.fields["login"]
        self.fields["login"] = forms.CharField(
            label=login.label, widget=login.widget, max_length=EMAIL_MAX_LENGTH
        )
