"""The DMS target's run context: the sandbox, the recorder, the driver, and the scenario steps
cases share.

A step ("the DMS sends a document", "the kit sends one and the DMS fetches it") runs once per run
however many cases need it (``step``); a step that fails fails every case that needs it, with
the same evidence. Cases judge what the DMS really put ON THE WIRE (``recorder.exchanges``), not
what it says it did.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from axis.conformance import packages
from axis.conformance.dms_drivers import STEPS, Driver
from axis.conformance.dms_recorder import Exchange, Recorder
from axis.conformance.dms_sandbox import DMS_AGENCIES, DMS_SYSTEM, KIT_AGENCIES, DmsSettings
from axis.conformance.evidence import Failed
from axis.conformance.packages import KeyPair
from axis.conformance.wire import SdkClient
from axis.edxml import DocumentPackage, ReplacementInfo, StatusPackage, load, parse
from axis.edxml.model import Business

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n% axis conformance kit: the DMS's test attachment\n%%EOF\n"
)


@dataclass(frozen=True)
class Options:
    """How long to wait and what counts as sane polling (the command line's options)."""

    step_timeout_s: float = 60.0
    poll_interval_s: float = 2.0  # what the DMS is configured with for the run
    max_list_rate: float = 5.0  # list calls per second, averaged over any POLL_WINDOW_S
    status_deadline_s: float = 0.0  # 0: 2 poll intervals + 5 s

    @property
    def deadline_s(self) -> float:
        return self.status_deadline_s or 2 * self.poll_interval_s + 5


@dataclass
class KitDocument:
    """A document the kit (as another agency) sent to the DMS."""

    label: str
    pkg: DocumentPackage
    data: bytes
    sent_index: int  # len(recorder.exchanges) when it was sent
    fetch: Exchange | None = None

    @property
    def sender(self) -> str:
        return self.pkg.sender.organ_id

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Sent:
    """A package the DMS sent (sendEdoc) and what it is."""

    exchange: Exchange
    data: bytes
    package: DocumentPackage | StatusPackage | None
    error: str = ""  # why it could not be read


@dataclass
class DmsContext:
    settings: DmsSettings
    recorder: Recorder
    driver: Driver
    hub_endpoint: str  # the sandbox hub itself: the kit's own requests bypass the recorder
    kit_secrets: dict[str, str]  # kit system id -> secret
    pki: Path
    session: aiohttp.ClientSession
    options: Options = field(default_factory=Options)
    workdir: Path = Path(".")
    deviations: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    _steps: dict[str, asyncio.Future[Any]] = field(default_factory=dict)
    _clients: dict[str, SdkClient] = field(default_factory=dict)

    @property
    def case_timeout_s(self) -> float:
        return self.options.step_timeout_s * 6 + 60

    @property
    def agency(self) -> str:
        """The DMS's agency the kit exchanges documents with."""
        return DMS_AGENCIES[0]

    @property
    def peer(self) -> str:
        """The agency the kit plays for most cases."""
        return next(iter(self.settings.kit_agencies))

    # -- steps ----------------------------------------------------------------------------

    async def step(self, name: str, work: Callable[[], Awaitable[Any]]) -> Any:
        if name not in self._steps:
            self._steps[name] = asyncio.ensure_future(work())
        return await asyncio.shield(self._steps[name])

    # -- the wire -------------------------------------------------------------------------

    @property
    def exchanges(self) -> list[Exchange]:
        return self.recorder.exchanges

    async def wait_for(
        self,
        what: str,
        found: Callable[[Exchange], bool],
        *,
        since: int = 0,
        timeout_s: float | None = None,
        hint: str = "",
    ) -> Exchange:
        """The first recorded exchange from ``since`` on that matches, waiting up to the
        step timeout; Failed with the last requests seen otherwise."""
        limit = timeout_s or self.options.step_timeout_s
        deadline = time.monotonic() + limit
        index = since
        while True:
            count = len(self.exchanges)
            for exchange in self.exchanges[index:count]:
                if found(exchange):
                    return exchange
            index = count
            left = deadline - time.monotonic()
            if left <= 0:
                break
            await self.recorder.changed_since(count, left)
        recent = "; ".join(e.summary() for e in self.exchanges[since:][-4:]) or "no request"
        raise Failed(f"{what} within {limit:g} s", f"not on the wire (last seen: {recent})", hint)

    def sent_packages(self, messagetype: str) -> list[Sent]:
        """Every sendEdoc of that messagetype the DMS made, read (in wire order)."""
        return [
            read_sent(e)
            for e in self.exchanges
            if e.operation == "sendEdoc" and e.param("messagetype") == messagetype
        ]

    def statuses_about(self, document_id: str) -> list[tuple[Exchange, StatusPackage]]:
        return [
            (s.exchange, s.package)
            for s in self.sent_packages("status")
            if isinstance(s.package, StatusPackage)
            and s.package.response_for.document_id == document_id
        ]

    async def status_sent(
        self, doc: KitDocument, code: str, since: int, what: str, hint: str
    ) -> StatusPackage:
        """Wait for status ``code`` about ``doc`` on the wire, sent at or after ``since``."""

        def matches(exchange: Exchange) -> bool:
            if exchange.operation != "sendEdoc" or exchange.param("messagetype") != "status":
                return False
            try:
                pkg = parse(load(exchange.package).root)
            except Exception:
                return False
            return (
                isinstance(pkg, StatusPackage)
                and pkg.response_for.document_id == doc.pkg.document_id
                and pkg.status_code == code
            )

        exchange = await self.wait_for(
            what, matches, since=since, timeout_s=self.options.deadline_s, hint=hint
        )
        pkg = parse(load(exchange.package).root)
        assert isinstance(pkg, StatusPackage)
        return pkg

    # -- the kit's own side (the agencies it plays) ---------------------------------------

    def client(self, agency: str) -> SdkClient:
        system = KIT_AGENCIES[agency]
        if system not in self._clients:
            self._clients[system] = SdkClient(
                self.hub_endpoint, system, self.kit_secrets[system], self.session
            )
        return self._clients[system]

    def sign(self, agency: str, data: bytes) -> bytes:
        return KeyPair.at(self.pki / "agencies" / agency).sign(data)

    async def kit_send(self, pkg: DocumentPackage | StatusPackage, messagetype: str) -> bytes:
        sender = pkg.sender.organ_id
        data = self.sign(sender, packages.write(pkg))
        reply = await self.client(sender).send(data, sender, messagetype)
        if not reply.ok:  # the sandbox refusing the kit's own package is the kit's bug
            raise RuntimeError(f"the sandbox hub refused the kit's package: {reply.excerpt()}")
        return data

    async def send_to_dms(self, label: str, pkg: DocumentPackage | None = None) -> KitDocument:
        pkg = pkg or packages.document(self.peer, (self.agency,))
        index = len(self.exchanges)
        data = await self.kit_send(pkg, "edoc")
        return KitDocument(label, pkg, data, index)

    async def fetched(self, doc: KitDocument, what: str = "") -> KitDocument:
        """Wait until the DMS has fetched exactly ``doc``'s bytes (getEdoc)."""
        doc.fetch = await self.wait_for(
            what or f"the DMS fetching {doc.label} (getEdoc) after listing it",
            lambda e: e.operation == "getEdoc" and e.ok and e.fetched() == doc.data,
            since=doc.sent_index,
            timeout_s=self.options.step_timeout_s,
            hint="list getReceivedEdocList every poll interval and fetch each row with getEdoc",
        )
        return doc

    async def delivered(self, label: str) -> KitDocument:
        """A fresh document from the kit, fetched by the DMS (once per label and run)."""

        async def work() -> KitDocument:
            return await self.fetched(await self.send_to_dms(label))

        result: KitDocument = await self.step(f"delivered:{label}", work)
        return result

    async def act(self, doc: KitDocument, step: str, note: str = "") -> StatusPackage:
        """Have the DMS's clerk take ``step``; the status it reports, on time."""
        since = len(self.exchanges)
        await self.driver.act(doc.sender, doc.pkg.document_id, doc.pkg.subject, step, note)
        code = STEPS[step]
        return await self.status_sent(
            doc,
            code,
            since,
            f"status {code} ({step}) for {doc.label} on the wire",
            f"send the status package {code} with sendEdoc messagetype=status as soon as the "
            "clerk acts (push it at once, or at the latest at the next poll)",
        )

    def change_package(self, doc: KitDocument, kind: int) -> DocumentPackage:
        """A revoke (1), update (2) or replace (3) of ``doc`` from its sender."""
        pkg = packages.document(
            doc.sender, (self.agency,), doc_type=kind, original=doc.pkg.document_id
        )
        if kind == 3:
            business = replace(
                pkg.business or Business(doc_type=3),
                replacements=(ReplacementInfo(doc.pkg.document_id, (self.agency,)),),
            )
            pkg = replace(pkg, business=business)
        return pkg

    async def recall(self, doc: KitDocument) -> KitDocument:
        """Status 13 from the original sender (docs/domain.md §5), as a KitDocument."""
        pkg = packages.status(doc.sender, doc.pkg, "13")
        index = len(self.exchanges)
        data = await self.kit_send(pkg, "status")
        return KitDocument(f"recall of {doc.label}", doc.pkg, data, index)


def read_sent(exchange: Exchange) -> Sent:
    data = exchange.package
    try:
        return Sent(exchange, data, parse(load(data).root))
    except Exception as exc:
        return Sent(exchange, data, None, f"{type(exc).__name__}: {exc}")


__all__ = ["DMS_SYSTEM", "PDF", "DmsContext", "KitDocument", "Options", "Sent", "read_sent"]
