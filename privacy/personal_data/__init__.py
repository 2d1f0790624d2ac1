"""Personal data held by the privacy app's features and by Django itself (see privacy.registry),
imported in the order the register of processing and the data export list them."""

from ..consent import personal_data as consent  # noqa: F401, I001
from . import site  # noqa: F401, I001
from ..newsletter import personal_data as newsletter  # noqa: F401, I001
from ..cookies import personal_data as cookies  # noqa: F401, I001
from ..requests import personal_data as requests  # noqa: F401, I001
from ..retention import personal_data as retention  # noqa: F401, I001
from ..sponsors import personal_data as sponsors  # noqa: F401, I001
from ..feedback import personal_data as feedback  # noqa: F401, I001
from ..breaches import personal_data as breaches  # noqa: F401, I001
