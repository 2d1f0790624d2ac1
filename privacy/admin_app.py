"""The admin app with the need-to-know site (privacy/need_to_know.py) as ``admin.site``.

A module of its own: INSTALLED_APPS imports it before any model is loaded, and the site it names
needs the registry, which needs models. Django imports ``default_site`` only once they are ready.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Replaces "django.contrib.admin" in INSTALLED_APPS so that ``admin.site`` is ours."""

    default_site = "privacy.need_to_know.AdminSite"
