"""Connected systems' secrets as the hub makes them.

A secret is typed on command lines (``axis conformance hub --secret S``, the SDK's own tools),
so it must never start with ``-``: argparse and most CLIs would read it as an option, and the
integrator would see "expected one argument" for a secret the hub itself issued.
"""

from __future__ import annotations

import secrets

SECRET_BYTES = 24


def new_system_secret() -> str:
    """A URL-safe random secret (24 bytes, 32 characters) that does not start with ``-``."""
    while True:
        secret = secrets.token_urlsafe(SECRET_BYTES)
        if not secret.startswith("-"):
            return secret
