"""The HUB target's cases, one module per area (docs/conformance.md lists them all)."""

from axis.conformance.hub import (  # noqa: F401
    auth,
    business,
    certificate,
    directory,
    framing,
    hostile,
    sdk,
    send,
    signature,
    status,
    volume,
)
