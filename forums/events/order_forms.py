"""The order page's form: the details the invoice will carry, and how to pay."""

from django import forms
from django.conf import settings

from community.validators import validate_single_line

VARIANT_LABELS = {
    "default": "Test payment: no money moves",
    "stripe": "Card, on Stripe's secure page",
    "paypal": "PayPal",
}


class PaymentChoiceForm(forms.Form):
    name = forms.CharField(
        label="Name on the invoice", max_length=120, validators=[validate_single_line]
    )
    company = forms.CharField(
        label="Company (optional)",
        max_length=120,
        required=False,
        validators=[validate_single_line],
    )
    address = forms.CharField(
        label="Address (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you need it on the invoice.",
    )
    variant = forms.ChoiceField(label="How to pay", widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"].choices = [
            (variant, VARIANT_LABELS.get(variant, variant.capitalize()))
            for variant in settings.PAYMENT_VARIANTS
        ]
        if len(settings.PAYMENT_VARIANTS) == 1:
            self.fields["variant"].initial = next(iter(settings.PAYMENT_VARIANTS))

    def clean_address(self):
        address = self.cleaned_data["address"]
        if any(ord(ch) < 32 and ch not in "\r\n" for ch in address):
            raise forms.ValidationError("Use plain text without control characters.")
        return address.replace("\r\n", "\n").strip()
