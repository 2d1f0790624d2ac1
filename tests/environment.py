"""Loaded by pytest before Django reads its settings (`-p tests.environment` in pyproject.toml).

The tests run as a developer's machine does, with DEBUG on (the settings default it to off) and
so with the development SECRET_KEY; the environment can still say otherwise.
"""

import os

os.environ.setdefault("DEBUG", "1")
