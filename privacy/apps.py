from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        # Every app's personal_data.py declares its kinds of personal data (privacy/registry.py).
        autodiscover_modules("personal_data")

        from django.db.models.signals import post_delete, post_save

        from .cookies.wording import banner_text_changed
        from .desk.middleware import forget_declared_names
        from .models import ConsentText

        post_save.connect(banner_text_changed, sender=ConsentText)
        post_save.connect(forget_declared_names, sender="cookie_consent.Cookie")
        post_delete.connect(forget_declared_names, sender="cookie_consent.Cookie")
        post_delete.connect(banner_text_changed, sender=ConsentText)
