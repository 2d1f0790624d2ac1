"""The privacy app's admin, one module per kind of record (imported here so they register)."""

from ..consent import admin as consent  # noqa: F401
from ..feedback import admin as feedback  # noqa: F401
from ..newsletter import admin as newsletter  # noqa: F401
from ..policies import admin as policies  # noqa: F401
from ..sponsors import admin as sponsors  # noqa: F401
from . import cookies, jobs, requests  # noqa: F401
