"""The privacy app's admin, one module per kind of record (imported here so they register)."""

from ..sponsors import admin as sponsors  # noqa: F401
from . import consent, cookies, feedback, jobs, newsletter, requests  # noqa: F401
