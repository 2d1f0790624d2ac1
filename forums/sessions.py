"""Sign-in sessions that bring their member with them (SESSION_ENGINE).

A signed-in member's request needed two round trips before anything else: their session (a cache
read, community.sessions) and their row (a query, forums.backends). Here a copy of the row is kept
in the cache beside the session, with the members' version it was read under; the session, the
copy and the current version come back in one round trip, and the copy stands for the row while
the version has not moved. Every save or deletion of a member or of a second factor moves the
version once its transaction commits (forums.signals), so a closed account, a changed password or
a removed authenticator counts from the next request on, as when the row was read every time.

The copy has no password hash, which stays in the database: a member made from it has the
password deferred, loaded if something reads it, and a save of such a member writes the fields
it has, never a blank password. A copy lives CACHE_SECONDS at most, which also bounds how long a
change made without signals (QuerySet.update()) goes unseen. A copy is used only under the
SECRET_KEY and the fields it was made with (_mark()): a new key signs everyone out as Django's
check of the session would, and a field added by a deploy is never read from an older copy.
While the cache is down nothing is kept or read and every member comes from the database, as
before.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import router
from django.utils.crypto import constant_time_compare, salted_hmac

from community import sessions

from . import pagecache
from .models import User

MEMBERS_KEY = "forums:members"
# Every field a member's row has but the password hash.
KEPT = [field.attname for field in User._meta.concrete_fields if field.attname != "password"]


def _mark() -> str:
    """What a copy is made under: the secret key, and the fields in their order."""
    return salted_hmac("forums.sessions.kept", ",".join(KEPT)).hexdigest()


def members_changed(**kwargs) -> None:
    """Signal receiver and plain call: every kept member is read from the database again."""
    pagecache.bump_on_commit(MEMBERS_KEY)


class SessionStore(sessions.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        # (version, mark, pk, session hash, KEPT's values, second factor)
        self.kept_member = None
        self.members_version = None  # as read with the session

    def _member_key(self, session_key: str) -> str:
        return f"{self.cache_key_prefix}{session_key}:member"

    def load(self):
        member_key = self._member_key(self.session_key)
        found = self._cache.get_many([self.cache_key, member_key, MEMBERS_KEY])
        self.kept_member, self.members_version = found.get(member_key), found.get(MEMBERS_KEY)
        if found.get(self.cache_key) is None:
            return super().load()  # from the database, then into the cache
        return found[self.cache_key]

    def keep_member(self, user) -> None:
        """Keep `user`, just read from the database, for this session's next requests: under the
        version read with the session, before the row was read, so that a change committed
        in between leaves the copy out of date."""
        if self.members_version is None:  # not set yet (or evicted): set it for next time
            pagecache.versions(MEMBERS_KEY)
            return
        values = [getattr(user, name) for name in KEPT]
        kept = (
            self.members_version,
            _mark(),
            user.pk,
            user.get_session_auth_hash(),
            values,
            user.has_second_factor,
        )
        self._cache.set(self._member_key(self.session_key), kept, sessions.CACHE_SECONDS)

    def delete(self, session_key=None):
        super().delete(session_key)
        session_key = session_key or self.session_key
        if session_key is not None:
            self._cache.delete(self._member_key(session_key))

    def kept_user(self) -> User | None:
        """The member kept for this session, if the copy is still theirs and current."""
        if self.kept_member is None or self.members_version is None:
            return None
        version, mark, pk, session_hash, values, second_factor = self.kept_member
        if not (
            version == self.members_version
            and constant_time_compare(mark, _mark())
            and str(pk) == self.get(SESSION_KEY)
            and self.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
            and constant_time_compare(session_hash, self.get(HASH_SESSION_KEY, ""))
        ):
            return None
        user = User.from_db(router.db_for_read(User), KEPT, values)
        user.has_second_factor = second_factor  # the cached property, as forums.backends sets it
        return user


def signed_in_member(request):
    """request.user: the member kept with the session while the copy is current; otherwise
    Django's get_user (the row, checked against the session's password hash), kept for next
    time."""
    session = request.session
    session.get(SESSION_KEY)  # loads the session, and the copy with it
    user = session.kept_user()
    if user is None:
        user = auth.get_user(request)
        if user.is_authenticated and session.session_key is not None:
            session.keep_member(user)
    return user
