"""Where payment providers send buyers back and deliver webhooks (under /payments/).

django-payments' own views, wrapped so that a request the provider did not sign, or for a
payment that does not exist, is answered with a 4xx and never a server error."""

from django.urls import path, re_path

from . import order_views

app_name = "payments"

urlpatterns = [
    path("process/<uuid:token>/", order_views.process_payment, name="process"),
    # The provider's one endpoint for every payment (Stripe: /payments/process/stripe/).
    re_path(r"^process/(?P<variant>[a-z-]+)/$", order_views.provider_webhook, name="webhook"),
]
