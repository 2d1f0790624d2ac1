"""The privacy app's admin, one module per kind of record (imported here so they register)."""

from ..cookies import admin as cookies  # noqa: F401
from ..feedback import admin as feedback  # noqa: F401
from ..retention import admin as retention  # noqa: F401
from ..sponsors import admin as sponsors  # noqa: F401
from ..stats import admin as stats  # noqa: F401
from . import consent, newsletter, requests  # noqa: F401
