from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "forums.events"
    label = "events"
    verbose_name = "Events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import sales  # noqa: F401  (django-payments' status_changed signal receiver)
