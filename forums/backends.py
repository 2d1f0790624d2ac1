"""Django's and allauth's sign-in backends, loading the signed-in member for each request with
whether they set up a second factor (`User.has_second_factor`, asked on every page through
`can_moderate`) in the same query. Every member's request runs it, so it is written once in SQL:
compiling the same from a queryset took longer than running it."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .models import SECOND_FACTORS, User

USER_SQL = f"""
    SELECT u.*, EXISTS (
        SELECT 1 FROM {Authenticator._meta.db_table} a
        WHERE a.user_id = u.id AND a.type IN ({", ".join(["%s"] * len(SECOND_FACTORS))})
    ) AS has_second_factor
    FROM {User._meta.db_table} u
    WHERE u.id = %s
"""


class SecondFactorLoaded:
    def get_user(self, user_id):
        try:
            user = User.objects.raw(USER_SQL, [*SECOND_FACTORS, int(user_id)])[0]
        except (IndexError, TypeError, ValueError):
            return None
        # The cached property of the same name, read without a query of its own.
        user.has_second_factor = bool(user.has_second_factor)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(SecondFactorLoaded, DjangoModelBackend):
    pass


class AuthenticationBackend(SecondFactorLoaded, AllauthBackend):
    pass
