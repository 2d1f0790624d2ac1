"""The framework's ceiling on this machine: a bare Django site whose one page renders 20
paragraphs from a template and touches no database or cache. `bench/forums.py` serves it with
the same gunicorn settings as the forum and prints every forum page's requests per second as a
share of this page's, measured in the same run.

Settings are `django-admin startproject`'s defaults (its middleware included), with DEBUG off.

    .venv/bin/gunicorn --pythonpath bench ceiling:application
"""

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.shortcuts import render
from django.urls import path

PARAGRAPH = (
    "Our team leaders coach agents on handle time, empathy and first-contact resolution; "
    "the forecast sets the rota, and the rota sets how calm the queue feels at noon."
)

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(50),
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "page.html": (
                                "<!doctype html><html lang='en'><head><title>{{ title }}</title>"
                                "</head><body><main><h1>{{ title }}</h1>"
                                "{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>"
                                "{% endfor %}</main></body></html>"
                            )
                        },
                    )
                ],
            },
        }
    ],
    DATABASES={},
    STATIC_URL="static/",
    USE_TZ=True,
)


def page(request):
    return render(request, "page.html", {"title": "The ceiling", "paragraphs": [PARAGRAPH] * 20})


urlpatterns = [path("", page)]
application = get_wsgi_application()
