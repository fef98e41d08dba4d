"""Deliberately broken variants of the endpoint: TEST-ONLY, for the conformance kit's own tests.

The kit's DMS target (``axis conformance dms``, docs/conformance.md) must fail exactly the cases
that match a defect and no others; these switches make the reference DMS misbehave in one known
way each. Never enable them in a real deployment. Selected by ``[defects]`` in the endpoint's
config or by ``AXIS_QOFFICE_DEFECTS=name,name`` (the environment adds to the config):

- ``wrong_signer``: outgoing documents are signed with another served agency's key;
- ``no_ack``: received documents are stored but never acknowledged (no updateStatus done);
- ``status_out_of_order``: 01 (arrived) is not sent on arrival but after 03 (received);
- ``no_crlf``: sendEdoc bodies without the SDK's trailing CRLF;
- ``poll_too_fast``: the pull loop lists every ``FAST_POLL_S`` seconds, whatever the config says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

ENV = "AXIS_QOFFICE_DEFECTS"
FAST_POLL_S = 0.02


@dataclass(frozen=True)
class Defects:
    wrong_signer: bool = False
    no_ack: bool = False
    status_out_of_order: bool = False
    no_crlf: bool = False
    poll_too_fast: bool = False

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def active(self) -> tuple[str, ...]:
        return tuple(name for name in self.names() if getattr(self, name))

    def with_environment(self, environ: dict[str, str] | None = None) -> Defects:
        """This set plus the names listed in AXIS_QOFFICE_DEFECTS; an unknown name is an error."""
        listed = [n.strip() for n in (environ or os.environ).get(ENV, "").split(",") if n.strip()]
        unknown = set(listed) - set(self.names())
        if unknown:
            raise ValueError(f"{ENV}: unknown defects {sorted(unknown)}; known: {self.names()}")
        return replace(self, **dict.fromkeys(listed, True))

    def signer_for(self, agency: str, served: list[str]) -> str:
        """Whose key signs ``agency``'s outgoing documents (another's under wrong_signer)."""
        if not self.wrong_signer:
            return agency
        others = [a for a in served if a != agency]
        if not others:
            raise ValueError("defect wrong_signer needs an endpoint serving two agencies")
        return others[0]

    def pull_interval_s(self, configured: float) -> float:
        return FAST_POLL_S if self.poll_too_fast else configured
