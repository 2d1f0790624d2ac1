from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Forums and members"

    def ready(self):
        from . import signals  # noqa: F401
