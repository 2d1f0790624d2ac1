"""The privacy app's admin, one module per kind of record (imported here so they register)."""

from . import consent, cookies, feedback, jobs, newsletter, requests, sponsors  # noqa: F401
