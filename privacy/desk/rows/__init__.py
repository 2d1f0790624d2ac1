"""The desk's rows, one module per area, each adding its row functions to ``board`` when
imported (``privacy.desk.rows`` imports them all, in the order the desk shows them)."""

from . import requests  # noqa: F401, I001
from . import retention  # noqa: F401, I001
from . import consent  # noqa: F401, I001
from . import cookies  # noqa: F401, I001
from . import disclosures  # noqa: F401, I001
from . import access  # noqa: F401, I001
from . import policies  # noqa: F401, I001
from . import breaches  # noqa: F401, I001
from . import design  # noqa: F401, I001
