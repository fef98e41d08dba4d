"""The JSON admin API behind the console (/admin/; docs/console.md), for scripts and tools.

Bearer-token auth from config (``console.admin_token_sha256``), separate from operator sessions:
a token for a monitoring script is not a person's login, and is never a cookie a browser could
be tricked into sending. The same searches and pages as the console, as JSON, described by
/admin/openapi.json.
"""

from __future__ import annotations

from axis.admin.routes import admin_app

__all__ = ["admin_app"]
