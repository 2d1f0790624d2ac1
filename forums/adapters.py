from allauth.account.adapter import DefaultAccountAdapter
from django import forms

from .models import User

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # allauth's email fields have no length limit; the database column has one.
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                f"Ensure this value has at most {EMAIL_MAX_LENGTH} characters."
            )
        return super().clean_email(email)
