"""Evidence bundles: one document's proof, exported from the store and verified offline.

``export`` writes a zip holding the exact received bytes, the hub-signed transport receipt,
the document's events in full, the chain proof from its first event to the first seal after
its last one (every event in that range as seq, prev, content digest and hash: other
documents' links are proven without disclosing their content, chain.py), that seal, the hub
certificate and the trust anchors. ``verify`` needs only the zip: it checks every link and
digest, the seal's signature, the receipt's XMLDSig and digest, and that the archive is
byte for byte what ``export`` writes for those entries (stored, fixed times and order), so
changing any byte of the file fails it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from axis.eventlog import kinds
from axis.eventlog.chain import content_digest, link
from axis.eventlog.event import EventRow, SealRow
from axis.eventlog.seal import SealKey, fingerprint, verify_seal
from axis.eventlog.sealer import signing
from axis.receipts import RECEIPT_NS, ReceiptSigner
from axis.store.base import Store

FORMAT = "axis-evidence/1"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_README = """axis evidence bundle ({format}) for hub document {doc_id}.

document.xml   the exact bytes the hub received
receipt.xml    the hub-signed transport receipt (XMLDSig; Digest = SHA-256 of the bytes
               received: document.xml's, unless another hub handed the package over and
               this hub added its TraceHeader; the received event names both digests)
events.json    the document's events (docs/delivery-log.md)
chain.json     every event from the document's first to the seal: seq, prev, digest, hash,
               hash = SHA-256(prev || digest), digest = SHA-256 of the event's canonical JSON
seal.json      the hub-signed checkpoint naming the last hash of chain.json
certificates/  hub.pem (signs the seal and the receipt) and trust/ (the hub's trust anchors)

Check it without the hub: axis evidence verify THIS.zip
Compare the hub certificate fingerprint it prints with the one the hub operator publishes.
"""


class EvidenceError(Exception):
    """The bundle cannot be made (unknown document, nothing sealed, chain broken)."""


def write_zip(files: list[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend only on ``files``: stored, fixed time and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"


async def export(
    store: Store, doc_id: str, receipts: ReceiptSigner, key: SealKey | None, trust_dir: Path
) -> bytes:
    """The bundle for hub document ``doc_id``; seals the head first when a key is given."""
    doc = await store.get_document(doc_id)
    data = await store.document_bytes(doc_id)
    if doc is None or data is None:
        raise EvidenceError(f"no document {doc_id} in the store")
    await store.chain_pending()
    events = [e for e in await store.events_for(doc_id) if e.doc_id == doc_id]
    if not events:
        raise EvidenceError(f"document {doc_id} has no events")
    if key is not None:
        await store.seal_head(signing(key))
    seals = await store.list_seals(events[-1].seq)
    if not seals:
        raise EvidenceError("no seal covers the document's events yet and no hub key to seal")
    seal = seals[0]
    chain = await _proof(store, events[0].seq, seal.seq)
    if not chain or chain[-1]["seq"] != seal.seq:
        raise EvidenceError(f"the chain does not reach the seal at seq {seal.seq}")
    receipt = receipts.sign(doc, await store.recipients(doc_id), doc.findings)
    anchors = sorted(p for p in trust_dir.glob("*.pem") if b"BEGIN CERTIFICATE" in p.read_bytes())
    files = [
        ("README.txt", _README.format(format=FORMAT, doc_id=doc_id).encode()),
        ("document.xml", data),
        ("receipt.xml", receipt),
        ("events.json", _json([e.as_dict() for e in events])),
        ("chain.json", _json(chain)),
        ("seal.json", _json(seal.as_dict())),
        ("certificates/hub.pem", seal.cert.encode()),
        *((f"certificates/trust/{p.name}", p.read_bytes()) for p in anchors),
    ]
    manifest = {
        "format": FORMAT,
        "doc_id": doc_id,
        "files": {name: hashlib.sha256(body).hexdigest() for name, body in files},
    }
    problems = verify_files([("manifest.json", _json(manifest)), *files]).problems
    if problems:
        raise EvidenceError("the store's chain does not verify: " + "; ".join(problems))
    return write_zip([("manifest.json", _json(manifest)), *files])


async def _proof(store: Store, first: int, last: int) -> list[dict[str, object]]:
    rows: list[EventRow] = []
    cursor = first - 1
    while page := await store.list_events(cursor=cursor, limit=5000):
        rows += [row for row in page if row.seq <= last]
        if page[-1].seq >= last:
            break
        cursor = page[-1].seq
    return [
        {"seq": r.seq, "prev": r.prev, "digest": content_digest(r), "hash": r.hash} for r in rows
    ]


@dataclass
class BundleReport:
    doc_id: str = ""
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "doc_id": self.doc_id,
            "problems": self.problems,
            "facts": self.facts,
        }


def verify(data: bytes) -> BundleReport:
    """Check a bundle with nothing but its bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception as exc:  # a damaged archive fails in many ways (CRC, flags, methods)
        return BundleReport(problems=[f"not a readable zip: {type(exc).__name__}: {exc}"])
    try:
        report = verify_files(files)
    except Exception as exc:  # entries shaped unlike an export's (keys, types) fail here
        report = BundleReport(problems=[f"an entry is not as exported: {type(exc).__name__}"])
    if write_zip(files) != data:
        report.problems.append("the archive's bytes differ from what its entries make (changed)")
    return report


def verify_files(files: list[tuple[str, bytes]]) -> BundleReport:
    report = BundleReport()
    named = dict(files)
    if len(named) != len(files):
        report.problems.append("an entry name appears twice")
    try:
        manifest = json.loads(named["manifest.json"])
        events = [EventRow(**row) for row in json.loads(named["events.json"])]
        chain = json.loads(named["chain.json"])
        seal = SealRow(**json.loads(named["seal.json"]))
        hub_pem = named["certificates/hub.pem"].decode()
        document, receipt = named["document.xml"], named["receipt.xml"]
    except (KeyError, ValueError, TypeError) as exc:
        report.problems.append(f"missing or unreadable entry: {exc}")
        return report
    report.doc_id = str(manifest.get("doc_id", ""))
    _check_manifest(manifest, files, report)
    _check_chain(events, chain, seal, report)
    if wrong := verify_seal(seal, hub_pem):
        report.problems.append(wrong)
    if seal.cert != hub_pem:
        report.problems.append("seal.json's certificate is not certificates/hub.pem")
    _check_receipt(report.doc_id, document, receipt, events, named, report)
    report.facts.append(f"hub certificate sha256 {_fingerprint(hub_pem)}")
    return report


def _fingerprint(pem: str) -> str:
    try:
        return fingerprint(pem)
    except ValueError:
        return "unreadable"


def _check_manifest(
    manifest: dict[str, object], files: list[tuple[str, bytes]], report: BundleReport
) -> None:
    listed = manifest.get("files")
    if manifest.get("format") != FORMAT or not isinstance(listed, dict):
        report.problems.append("manifest.json is not an axis evidence manifest")
        return
    present = {name: body for name, body in files if name != "manifest.json"}
    if set(listed) != set(present):
        report.problems.append("manifest.json does not list exactly the bundle's entries")
    for name, body in present.items():
        if listed.get(name) != hashlib.sha256(body).hexdigest():
            report.problems.append(f"{name}: its SHA-256 is not the manifest's")


def _check_chain(
    events: list[EventRow], chain: list[dict[str, object]], seal: SealRow, report: BundleReport
) -> None:
    if not chain or not events:
        report.problems.append("no events or no chain proof")
        return
    by_seq = {int(str(row["seq"])): row for row in chain}
    previous: dict[str, object] | None = None
    for row in chain:
        prev, digest, hashed = str(row["prev"]), str(row["digest"]), str(row["hash"])
        try:
            linked = link(prev, digest)
        except ValueError:
            linked = ""
        if linked != hashed:
            report.problems.append(
                f"chain.json seq {row['seq']}: hash is not SHA-256(prev||digest)"
            )
        if previous is not None and prev != previous["hash"]:
            report.problems.append(f"chain.json seq {row['seq']}: does not link to the one before")
        previous = row
    for event in events:
        proof = by_seq.get(event.seq)
        if proof is None:
            report.problems.append(f"event seq {event.seq} is not in the chain proof")
        elif content_digest(event) != proof["digest"] or (event.prev, event.hash) != (
            proof["prev"],
            proof["hash"],
        ):
            report.problems.append(
                f"event seq {event.seq}: its content is not what the chain holds"
            )
        if event.doc_id != report.doc_id:
            report.problems.append(f"event seq {event.seq} is about another document")
    last = chain[-1]
    if int(str(last["seq"])) != seal.seq or last["hash"] != seal.hash:
        report.problems.append("the chain proof does not end at the sealed event")
    report.facts.append(
        f"{len(events)} events of the document, chain seq {chain[0]['seq']}..{seal.seq}, "
        f"sealed {seal.at} by {seal.hub}"
    )


def _check_receipt(
    doc_id: str,
    document: bytes,
    receipt: bytes,
    events: list[EventRow],
    named: dict[str, bytes],
    report: BundleReport,
) -> None:
    from axis.pki.trust import TrustStore
    from axis.pki.xmldsig import verify as verify_signature

    digest = hashlib.sha256(document).hexdigest()
    received = [e for e in events if e.kind == kinds.RECEIVED]
    taken, stored = _digests(received[0].detail if received else "")
    if digest != (stored or taken):
        report.problems.append("document.xml is not the document the received event names")
    try:
        root = etree.fromstring(receipt, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        report.problems.append(f"receipt.xml is not XML: {exc}")
        return
    found = {
        "DocId": root.findtext(f".//{{{RECEIPT_NS}}}DocId"),
        "Digest": root.findtext(f".//{{{RECEIPT_NS}}}Digest"),
    }
    if found != {"DocId": doc_id, "Digest": taken or digest}:
        report.problems.append("receipt.xml names another document or digest")
    with tempfile.TemporaryDirectory() as folder:
        for name, body in named.items():
            if name.startswith("certificates/trust/") and name.endswith(".pem"):
                (Path(folder) / Path(name).name).write_bytes(body)
        trust = TrustStore.load(Path(folder))
    at = datetime.fromisoformat(received[0].at) if received else None
    try:
        verdict = verify_signature(root, mode="required", trust=trust, at=at)
    except Exception as exc:  # Rejected, or xmlsec on a damaged signature
        report.problems.append(f"receipt.xml: the hub's signature does not verify ({exc})")
        return
    if _der(named.get("certificates/hub.pem", b"")) not in receipt_certificates(root):
        report.problems.append("receipt.xml was not signed with certificates/hub.pem")
    report.facts.append(f"receipt signed by {verdict.signer}")


def _digests(detail: str) -> tuple[str, str]:
    """The SHA-256 of the bytes received (what the receipt names) and, when the hub stored
    other bytes (its own TraceHeader added to a package another hub handed over), theirs."""
    taken = re.search(r"bytes sha256 ([0-9a-f]{64})", detail)
    stored = re.search(r"; stored sha256 ([0-9a-f]{64})", detail)
    return (taken.group(1) if taken else ""), (stored.group(1) if stored else "")


def _der(pem: bytes) -> bytes:
    try:
        return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    except ValueError:
        return b""


def receipt_certificates(root: etree._Element) -> set[bytes]:
    """The certificates (DER) in a signed receipt's KeyInfo, to compare with hub.pem."""
    return {
        base64.b64decode("".join((element.text or "").split()))
        for element in root.iter("{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    }
