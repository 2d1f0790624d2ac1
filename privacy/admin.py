"""The privacy app's admin: each feature's admin module, imported so it registers."""

from .breaches import admin as breaches  # noqa: F401
from .consent import admin as consent  # noqa: F401
from .cookies import admin as cookies  # noqa: F401
from .desk import admin as desk  # noqa: F401
from .feedback import admin as feedback  # noqa: F401
from .newsletter import admin as newsletter  # noqa: F401
from .policies import admin as policies  # noqa: F401
from .requests import admin as requests  # noqa: F401
from .retention import admin as retention  # noqa: F401
from .sponsors import admin as sponsors  # noqa: F401
from .stats import admin as stats  # noqa: F401
