"""Django's and allauth's sign-in backends, loading the signed-in member for each request with
whether they set up a second factor (`User.has_second_factor`, asked on every page through
`can_moderate`) in the same query."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef

from .models import SECOND_FACTORS, User


class SecondFactorLoaded:
    def get_user(self, user_id):
        try:
            user = User.objects.annotate(
                # Read by the cached property of the same name instead of its own query.
                has_second_factor=Exists(
                    Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)
                )
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(SecondFactorLoaded, DjangoModelBackend):
    pass


class AuthenticationBackend(SecondFactorLoaded, AllauthBackend):
    pass
