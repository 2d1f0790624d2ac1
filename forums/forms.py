from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from community.antispam import AntiSpamMixin
from community.validators import validate_single_line
from privacy import consent
from privacy.models import Consent, PolicyVersion
from privacy.stats import count_feature

from . import search
from .models import POST_MAX_LENGTH, Category, ModerationAction, Post, User

TOPIC_MODERATION_ACTIONS = {
    "pin",
    "unpin",
    "lock",
    "unlock",
    "hide_topic",
    "unhide_topic",
    "move",
}

TERMS_TEXT_KEY = "signup-terms"
NEWSLETTER_TEXT_KEY = "signup-newsletter"


class SignupForm(AntiSpamMixin, forms.Form):
    """allauth's extra sign-up fields (ACCOUNT_SIGNUP_FORM_CLASS).

    The labels are the stored consent wordings, so the ledger can prove what was shown (P2, P9).
    """

    accept_terms = forms.BooleanField(
        required=True,
        error_messages={"required": "You need to accept the terms and the privacy policy to join."},
    )
    newsletter = forms.BooleanField(required=False, initial=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms_text = consent.current_text(TERMS_TEXT_KEY)
        self.newsletter_text = consent.current_text(NEWSLETTER_TEXT_KEY)
        self.fields["accept_terms"].label = self.terms_text.wording
        self.fields["newsletter"].label = self.newsletter_text.wording

    def signup(self, request, user: User) -> None:
        source = Consent.Source.SIGNUP
        with transaction.atomic():
            for purpose, kind in (
                (consent.TERMS, PolicyVersion.TERMS),
                (consent.PRIVACY_POLICY, PolicyVersion.PRIVACY),
            ):
                consent.record(
                    user=user,
                    purpose=purpose,
                    granted=True,
                    source=source,
                    text=self.terms_text,
                    policy=PolicyVersion.objects.in_force(kind),
                )
            if self.cleaned_data["newsletter"]:
                consent.record(
                    user=user,
                    purpose=consent.NEWSLETTER,
                    granted=True,
                    source=source,
                    text=self.newsletter_text,
                )
                count_feature("newsletter-signup")


class ProfileForm(AntiSpamMixin, forms.ModelForm):
    """The optional public profile (P1): every field may be left empty or cleared."""

    class Meta:
        model = User
        fields = ["display_name", "job_title", "company", "location", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "display_name": "Shown instead of your username, if you like.",
            "bio": "A few words about you and your work. Markdown is not rendered here.",
        }


class PostForm(AntiSpamMixin, forms.ModelForm):
    class Meta:
        model = Post
        fields = ["source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "source": "Markdown works: **bold**, _italic_, [links](https://example.org), "
            "> quotes, @username. More under “Formatting help”."
        }

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if len(source) < 2:
            raise forms.ValidationError("Write a little more: a post needs at least 2 characters.")
        return source


class TopicForm(PostForm):
    title = forms.CharField(
        min_length=5, max_length=150, strip=True, validators=[validate_single_line]
    )

    class Meta(PostForm.Meta):
        fields = ["title", "source"]


class PreviewForm(forms.Form):
    """What the composer's live preview sends: the text so far, rendered as it would be saved."""

    source = forms.CharField(max_length=POST_MAX_LENGTH, required=False, strip=True)


class ReportForm(AntiSpamMixin, forms.Form):
    reason = forms.CharField(
        label="What is wrong with this post?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Moderators read every report. Your name is not shown to the author.",
    )


class TopicModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (action.value, action.label)
            for action in ModerationAction.Action
            if action.value in TOPIC_MODERATION_ACTIONS
        ]
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        required=False,
        label="Move to",
        help_text="Only for “Moved topic”.",
    )
    reason = forms.CharField(max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == ModerationAction.Action.MOVE and not cleaned.get("category"):
            self.add_error("category", "Choose the category to move the topic to.")
        return cleaned


class PostModerationForm(forms.Form):
    hidden = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=500, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label="Words to find", max_length=200, strip=True)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All categories",
        label="In category",
    )
    author = forms.CharField(
        label="Posted by",
        max_length=30,
        required=False,
        strip=True,
        help_text="A username, if you like.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Only the categories this member can read are offered (and accepted).
        self.fields["category"].queryset = Category.objects.visible_to(
            user or AnonymousUser()
        ).order_by("position", "name")

    def clean_author(self):
        return self.cleaned_data["author"].lstrip("@")

    def clean_q(self):
        query = self.cleaned_data["q"]
        if not search.has_words(query):
            raise forms.ValidationError("Type at least one word or number to search for.")
        return query


class NotificationsForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # the label is a sentence beside a checkbox
        super().__init__(*args, **kwargs)

    class Meta:
        model = User
        fields = ["notify_replies", "notify_mentions"]
        help_texts = {
            "notify_replies": "One email per topic until you visit it again. Never marketing.",
            "notify_mentions": "When a post names you, as @username: one email per topic until "
            "you visit it again.",
        }
