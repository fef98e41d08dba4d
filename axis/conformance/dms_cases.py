"""The DMS target's cases, one module per area (docs/conformance.md lists them all)."""

from axis.conformance import (  # noqa: F401
    dms_cases_incoming,
    dms_cases_outgoing,
    dms_cases_polling,
)
