"""The run's context: the target, the credentials a DMS would hold, and the checks cases share.

Credentials are what a vendor has: connected systems (id, secret, the agencies each serves) and
the agencies' signing keys in a dev-PKI layout (``agencies/<id>/``; bad certificates in
``bad/<case>/`` and ``bad/<agency>/<case>/``, certs/README.md). The kit casts three parties from
them: a *sender* (an agency with bad certificates when one is served), a *recipient* on another
system, and a *third* system for the "someone else's document" cases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import aiohttp

from axis.conformance.evidence import Failed, Skipped
from axis.conformance.packages import KeyPair
from axis.conformance.wire import Reply, SdkClient
from axis.errors import CATALOGUE

CodeMode = Literal["exact", "class"]


@dataclass(frozen=True)
class System:
    system_id: str
    secret: str
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class Party:
    """One agency acting through the system that serves it."""

    system: System
    agency: str
    keys: KeyPair | None

    @property
    def label(self) -> str:
        return f"{self.agency} via {self.system.system_id}"


def read_systems(path: Path, endpoint: str = "") -> list[System]:
    """systems.json as ``axis serve --demo`` writes it: [{system_id, secret, agencies}]. The
    demo network's file also says which hub each system talks to (``endpoint``): given the
    target's ``endpoint``, only that hub's systems are kept."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    wanted = endpoint.rstrip("/")
    return [
        System(s["system_id"], s["secret"], tuple(s.get("agencies", ())))
        for s in raw
        if not wanted or str(s.get("endpoint", wanted)).rstrip("/") == wanted
    ]


@dataclass
class Target:
    """What the command line said: where the hub is and what the kit may use."""

    endpoint: str
    systems: list[System]
    pki: Path | None = None
    codes: CodeMode | Literal["auto"] = "auto"
    max_body: int | None = None

    def keys(self, agency: str) -> KeyPair | None:
        if self.pki is None:
            return None
        pair = KeyPair.at(self.pki / "agencies" / agency)
        return pair if pair.usable else None

    def bad_keys(self, case: str, agency: str = "") -> tuple[KeyPair, str] | None:
        """A dev-PKI bad certificate and the agency it claims to sign for: ``agency``'s own
        set (``bad/<agency>/<case>/``) when there is one, else ``bad/<case>/``."""
        if self.pki is None:
            return None
        folders = [self.pki / "bad" / agency / case] if agency else []
        for folder in [*folders, self.pki / "bad" / case]:
            pair, named = KeyPair.at(folder), folder / "agency"
            if pair.usable and named.is_file():
                return pair, named.read_text(encoding="utf-8").strip()
        return None

    def bad_agencies(self) -> list[str]:
        """Agencies with bad certificates: ``bad/<case>/``'s, then each ``bad/<agency>/``."""
        if self.pki is None or not (self.pki / "bad").is_dir():
            return []
        found = self.bad_keys("expired")
        own = sorted(p.parent.name for p in (self.pki / "bad").glob("*/expired/agency"))
        return ([found[1]] if found else []) + [a for a in own if self.bad_keys("expired", a)]

    def cast(self) -> dict[str, Party]:
        """sender, recipient, third: agencies on different systems, with keys when possible."""
        parties: dict[str, Party] = {}
        served = {a for s in self.systems for a in s.agencies}
        preferred = next((a for a in self.bad_agencies() if a in served), "")
        ordered = sorted(self.systems, key=lambda s: preferred not in s.agencies)
        for role, system in zip(("sender", "recipient", "third"), ordered, strict=False):
            agency = preferred if preferred in system.agencies else _first_with_keys(self, system)
            if agency:
                parties[role] = Party(system, agency, self.keys(agency))
        return parties


def _first_with_keys(target: Target, system: System) -> str:
    with_keys = [a for a in system.agencies if target.keys(a)]
    return (with_keys or list(system.agencies) or [""])[0]


@dataclass
class Context:
    """Shared by every case of one run."""

    target: Target
    session: aiohttp.ClientSession
    codes: CodeMode
    parties: dict[str, Party]
    deviations: list[str] = field(default_factory=list)
    _clients: dict[str, SdkClient] = field(default_factory=dict)
    _seen: dict[str, bytes] = field(default_factory=dict)  # docId -> fetched bytes

    @property
    def endpoint(self) -> str:
        return self.target.endpoint.rstrip("/")

    def party(self, role: str, *, keys: bool = True) -> Party:
        found = self.parties.get(role)
        if found is None:
            raise Skipped(f"needs a {role} system: give credentials of at least 3 systems")
        if keys and found.keys is None:
            raise Skipped(f"needs {found.agency}'s signing key: give --pki")
        return found

    def client(self, party: Party | System) -> SdkClient:
        system = party.system if isinstance(party, Party) else party
        if system.system_id not in self._clients:
            self._clients[system.system_id] = SdkClient(
                self.endpoint, system.system_id, system.secret, self.session
            )
        return self._clients[system.system_id]

    def signed(self, party: Party, data: bytes) -> bytes:
        if party.keys is None:
            raise Skipped(f"needs {party.agency}'s signing key: give --pki")
        return party.keys.sign(data)

    # -- expectations ---------------------------------------------------------------------

    def accepted(self, reply: Reply, what: str, *fields: str) -> dict[str, Any]:
        """The SDK's success reading: HTTP 200, status OK, ErrorCode "0", the fields present."""
        payload = reply.payload or {}
        missing = [name for name in fields if name not in payload]
        if reply.http != 200 or not reply.ok or reply.error_code != "0" or missing:
            extra = f" with {', '.join(fields)}" if fields else ""
            raise Failed(f'{what}: HTTP 200, status OK, ErrorCode "0"{extra}', reply)
        return payload

    def refused(self, reply: Reply, code: str, what: str) -> None:
        """A refusal: FAIL, a 4xx status and a permanent (5.x.y) code are `must`; axis's exact
        catalogue code and HTTP status are `should` (checked in exact mode)."""
        expected = CATALOGUE[code]
        permanent = reply.error_code.startswith("5.")
        if reply.payload is None or reply.ok or not 400 <= reply.http < 500 or not permanent:
            raise Failed(
                f"{what}: refused (status FAIL, HTTP 4xx, ErrorCode class 5; axis: {code} "
                f"{expected.slug}, HTTP {expected.http})",
                reply,
            )
        if self.codes == "exact" and (reply.error_code, reply.http) != (code, expected.http):
            self.deviations.append(
                f"{what}: refused as {reply.error_code} (HTTP {reply.http}); axis answers "
                f"{code} {expected.slug} (HTTP {expected.http})"
            )

    # -- delivery helpers -----------------------------------------------------------------

    async def send(self, party: Party, data: bytes, messagetype: str = "edoc") -> Reply:
        return await self.client(party).send(data, party.agency, messagetype)

    async def send_ok(self, party: Party, data: bytes, what: str, messagetype: str = "edoc") -> str:
        reply = await self.send(party, data, messagetype)
        payload = self.accepted(reply, what, "DocId")
        if not payload["DocId"]:
            raise Failed(f"{what}: a non-empty DocId", reply)
        return str(payload["DocId"])

    async def find(self, recipient: Party, data: bytes, messagetype: str = "edoc") -> str | None:
        """The recipient's docId for exactly ``data`` (listed, then fetched and compared)."""
        reply = await self.client(recipient).received(messagetype)
        rows = self.accepted(reply, f"getReceivedEdocList ({messagetype})", "data")["data"]
        for row in reversed(rows if isinstance(rows, list) else []):
            doc_id = str(row.get("docId", ""))
            if row.get("to") not in (None, recipient.agency) or not doc_id:
                continue
            if doc_id not in self._seen:
                fetched = await self.client(recipient).fetch(doc_id)
                if not fetched.ok:
                    continue
                self._seen[doc_id] = _decode(fetched.get("data", ""))
            if self._seen[doc_id] == data:
                return doc_id
        return None

    async def delivered(
        self, recipient: Party, data: bytes, what: str, messagetype: str = "edoc"
    ) -> str:
        doc_id = await self.find(recipient, data, messagetype)
        if doc_id is None:
            raise Failed(
                f"{what}: the package listed for {recipient.label} and fetched byte-identical",
                f"no row of getReceivedEdocList ({messagetype}) fetches to the bytes sent",
            )
        return doc_id

    async def not_delivered(self, recipient: Party, data: bytes, what: str) -> None:
        if await self.find(recipient, data) is not None:
            raise Failed(f"{what}: nothing delivered", "the refused package was delivered")


def _decode(text: object) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError):
        return b""
