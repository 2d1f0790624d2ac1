"""Django's and allauth's sign-in backends, loading the signed-in member for each request with
whether they set up a second factor (`User.has_second_factor`, asked on every page through
`can_moderate`) in the same query. Every member's request runs it, so it is written once in SQL:
compiling the same from a queryset took longer than running it (and it is prepared once per
connection: community.prepared)."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router

from community import prepared

from .models import SECOND_FACTORS, User

FIELDS = [field.attname for field in User._meta.concrete_fields]
USER_SQL = f"""
    SELECT {", ".join(f"u.{User._meta.get_field(name).column}" for name in FIELDS)}, EXISTS (
        SELECT 1 FROM {Authenticator._meta.db_table} a
        WHERE a.user_id = u.id AND a.type IN ({", ".join(["%s"] * len(SECOND_FACTORS))})
    )
    FROM {User._meta.db_table} u
    WHERE u.id = %s
"""
_converters = {}  # database alias -> (compiler, the converters of FIELDS' columns)


def _compiler(database: str):
    """A queryset's compiler and its converters for the columns (aware datetimes on SQLite, for
    one), found once per database: what a queryset applies to every row it reads."""
    if database not in _converters:
        compiler = User.objects.none().query.get_compiler(using=database)
        columns = [User._meta.get_field(name).get_col(User._meta.db_table) for name in FIELDS]
        _converters[database] = (compiler, compiler.get_converters(columns))
    return _converters[database]


class SecondFactorLoaded:
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        # A cursor, the queryset's own converters and Model.from_db, as a queryset ends:
        # RawQuerySet's mapping of columns to fields cost more than the query.
        database = router.db_for_read(User)
        with connections[database].cursor() as cursor:
            params = [*SECOND_FACTORS, user_id]
            prepared.execute(cursor, "forums_member", USER_SQL, params)
            row = cursor.fetchone()
        if row is None:
            return None
        compiler, converters = _compiler(database)
        values = next(compiler.apply_converters([row[:-1]], converters))
        user = User.from_db(database, FIELDS, values)
        # The cached property of the same name, read without a query of its own.
        user.has_second_factor = bool(row[-1])
        return user if self.user_can_authenticate(user) else None


class ModelBackend(SecondFactorLoaded, DjangoModelBackend):
    pass


class AuthenticationBackend(SecondFactorLoaded, AllauthBackend):
    pass
