"""The package checks that need no store: parse -> schema -> signature policy.

The hub's intake pipeline runs these inside the request (in a worker thread, they are
CPU-bound), and ``axis validate`` runs them offline, so a package gets the same verdict from
the CLI as at the door. Routing, duplicate rules and persistence follow in the pipeline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from axis.config import Config
from axis.edxml import DocumentPackage, Loaded, StatusPackage, Validator, load, load_file, parse
from axis.errors import Finding
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import SignatureVerdict, verify
from axis.store.base import FileBytes

HASH_CHUNK = 1 << 20


@dataclass
class Checked:
    """A package that passed every offline check, with what the checks learned."""

    data: bytes | FileBytes  # what the store keeps: the bytes, or where they are in a file
    root: Any
    package: DocumentPackage | StatusPackage
    signature: SignatureVerdict
    sha256: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``edoc`` or ``status``: the wire protocol's messagetype for this package."""
        return "status" if isinstance(self.package, StatusPackage) else "edoc"


class Checker:
    """Holds what is compiled once (schemas, trust store); ``check`` is thread-safe."""

    def __init__(self, cfg: Config, trust: TrustStore | None) -> None:
        self.cfg = cfg
        self.trust = trust
        self.validator = Validator(cfg.intake.policy)

    def check(self, data: bytes | Path, *, at: datetime | None = None) -> Checked:
        """Run parse, schema and signature checks; raise Rejected with a catalogue code.

        ``data`` is the package, or a file holding it (a large body spooled by the API)."""
        policy, depth = self.cfg.intake.policy, self.cfg.intake.max_depth
        if isinstance(data, Path):
            loaded = load_file(data, policy=policy, max_depth=depth)
        else:
            loaded = load(data, policy=policy, max_depth=depth)
        package = parse(loaded.root)
        findings = list(loaded.findings)
        findings += self.validator.validate(loaded.root, package)
        sender = package.sender.organ_id
        verdict = verify(
            loaded.root,
            mode=self.cfg.signature_mode_for(sender),
            trust=self.trust,
            allow_legacy=self.cfg.signature.allow_legacy,
            expected_agency=sender if self.cfg.signature.require_agency_match else None,
            at=at,
        )
        findings += verdict.findings
        if verdict.kind == "skipped":  # mode off: say so, never accept silently unchecked
            findings.append(Finding("2.3.16", f"Sender {sender}."))
        kept, sha256 = _kept(loaded)
        return Checked(
            data=kept,
            root=loaded.root,
            package=normalised(package),
            signature=verdict,
            sha256=sha256,
            findings=findings,
        )


def normalised(
    package: DocumentPackage | StatusPackage,
) -> DocumentPackage | StatusPackage:
    """The package every later stage uses: StatusCode trimmed, once, here.

    parse() keeps text as received, and the content rules have judged padding already (5.4.7
    under strict, 2.4.7 under lenient; docs/edxml-rules.md); from here on " 03" is "03"."""
    if isinstance(package, StatusPackage) and package.status_code != package.status_code.strip():
        return replace(package, status_code=package.status_code.strip())
    return package


def _kept(loaded: Loaded) -> tuple[bytes | FileBytes, str]:
    """The bytes the store keeps (after a lenient repair) and their SHA-256 (dedupe key)."""
    if isinstance(loaded.data, bytes):
        return loaded.data, hashlib.sha256(loaded.data).hexdigest()
    size = loaded.data.stat().st_size - loaded.offset
    kept = FileBytes(loaded.data, loaded.offset, size)
    sha = hashlib.sha256()
    for chunk in kept.chunks(HASH_CHUNK):
        sha.update(chunk)
    return kept, sha.hexdigest()


def trust_dir_for(cfg: Config) -> Path:
    """The configured trust directory, or <data_dir>/pki/trust by default."""
    return (
        Path(cfg.signature.trust_dir) if cfg.signature.trust_dir else cfg.data_dir / "pki" / "trust"
    )


def load_trust(directory: Path | None) -> TrustStore | None:
    """The trust store in ``directory``, or None when there is none (nothing can verify)."""
    if directory is None or not directory.is_dir():
        return None
    return TrustStore.load(directory)
