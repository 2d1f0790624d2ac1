"""The privacy app's admin, one module per kind of record (imported here so they register)."""

from ..feedback import admin as feedback  # noqa: F401
from ..requests import admin as requests  # noqa: F401
from ..sponsors import admin as sponsors  # noqa: F401
from . import consent, cookies, jobs, newsletter  # noqa: F401
