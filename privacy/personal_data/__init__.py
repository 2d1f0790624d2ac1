"""Personal data held by the privacy app and by Django itself (see privacy/registry.py),
one module per kind of record, imported in the order the registry lists them."""

from . import site  # noqa: F401, I001
from ..requests import personal_data as requests  # noqa: F401, I001
from ..sponsors import personal_data as sponsors  # noqa: F401, I001
from ..feedback import personal_data as feedback  # noqa: F401, I001
