"""The trust store: is the signer's certificate one the hub may believe? (docs/domain.md §4)

Called by ``xmldsig.verify`` after the signature itself verified. Order of checks, each with its
own code: chain to an anchor (5.3.8), validity of every chain certificate at ``at`` (5.3.9 /
5.3.10), CRL revocation (5.3.11), key usage (5.3.12), agency named by the certificate (5.3.13).

Path building and signature/constraint checks per link are cryptography's
``x509.verification`` (RFC 5280 path validation, webpki CA profile for the issuers, and a
permissive end-entity profile because a document-signing certificate is no TLS certificate).
Validity, revocation and key usage are checked here so each failure gets its own code. The
built path depends on the certificates only, so it is cached per (leaf, presented chain): a
repeat signer costs a dict lookup plus a few comparisons. A TrustStore is immutable; reloading
the directory makes a new one (a new CRL generation), which is what invalidates the cache.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from axis.errors import Rejected
from axis.pki.agency_cert import agency_of

_CACHE_LIMIT = 4096
_PEM_CERT = b"-----BEGIN CERTIFICATE-----"
_PEM_CRL = b"-----BEGIN X509 CRL-----"


@dataclass
class TrustStore:
    """Anchors, known intermediates and CRLs from one directory, with a path cache."""

    anchors: list[x509.Certificate]
    intermediates: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    _cache: dict[tuple[x509.Certificate, ...], _Signer] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, directory: Path) -> TrustStore:
        """Anchors: certificates in ``directory/*.pem``; intermediates: ``intermediates/*.pem``;
        CRLs: any PEM CRL block (``*.crl.pem`` by convention) in either place."""
        anchors: list[x509.Certificate] = []
        intermediates: list[x509.Certificate] = []
        crls: list[x509.CertificateRevocationList] = []
        for sub, certs in ((directory, anchors), (directory / "intermediates", intermediates)):
            for path in sorted(sub.glob("*.pem")) if sub.is_dir() else ():
                data = path.read_bytes()
                if _PEM_CERT in data:
                    certs.extend(x509.load_pem_x509_certificates(data))
                for block in data.split(_PEM_CRL)[1:]:
                    crls.append(x509.load_pem_x509_crl(_PEM_CRL + block))
        return cls(anchors, intermediates, crls)

    def check(
        self,
        cert: x509.Certificate,
        chain: list[x509.Certificate],
        at: datetime,
        expected_agency: str | None,
    ) -> str:
        """The agency id ``cert`` names, once every check passed; Rejected 5.3.8-5.3.13 if not."""
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        # Certificates hash and compare by their DER: the key is exact and cheap.
        key = (cert, *chain)
        signer = self._cache.get(key)
        if signer is None:
            signer = self._examine(cert, chain, at)
            with self._lock:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[key] = signer
        return signer.judge(at, expected_agency)

    def chains(self, cert: x509.Certificate, chain: list[x509.Certificate], at: datetime) -> bool:
        """Whether ``cert`` chains to one of the anchors (nothing else judged)."""
        try:
            self._path(cert, chain, at if at.tzinfo else at.replace(tzinfo=UTC))
        except Rejected:
            return False
        return True

    def _examine(
        self, cert: x509.Certificate, chain: list[x509.Certificate], at: datetime
    ) -> _Signer:
        """Everything about a signer that does not depend on the time of use."""
        path = self._path(cert, chain, at)
        revoked = self._revocation(path)
        return _Signer(path, revoked, _key_usage_error(cert), agency_of(cert))

    def _path(
        self, cert: x509.Certificate, chain: list[x509.Certificate], at: datetime
    ) -> list[x509.Certificate]:
        if not self.anchors:
            raise Rejected("5.3.8", "no trust anchors are configured (signature.trust_dir)")
        # Validity is judged at `at` by _Signer.judge so expiry gets its own code; the path
        # itself is built at a moment the leaf was valid.
        when = min(max(at, cert.not_valid_before_utc), cert.not_valid_after_utc)
        builder = PolicyBuilder().store(Store(self.anchors)).time(when)
        builder = builder.extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
        try:
            verified = builder.build_client_verifier().verify(cert, chain + self.intermediates)
        except VerificationError as exc:
            raise Rejected("5.3.8", f"{cert.subject.rfc4514_string()}: {exc}") from None
        return list(verified.chain)

    def _revocation(self, path: list[x509.Certificate]) -> tuple[datetime, str] | None:
        # Each non-anchor certificate against its issuer's CRL; an issuer without a CRL in the
        # trust directory is not checked (docs/decisions.md "Certificate checks").
        for subject, issuer in itertools.pairwise(path):
            for crl in self.crls:
                if crl.issuer != issuer.subject or not crl.is_signature_valid(
                    issuer.public_key()  # type: ignore[arg-type]
                ):
                    continue
                entry = crl.get_revoked_certificate_by_serial_number(subject.serial_number)
                if entry is not None:
                    detail = (
                        f"{subject.subject.rfc4514_string()} revoked on "
                        f"{entry.revocation_date_utc:%Y-%m-%d} by {issuer.subject.rfc4514_string()}"
                    )
                    return entry.revocation_date_utc, detail
        return None


@dataclass(frozen=True)
class _Signer:
    """A cached examination of one signer certificate (+ chain) against this store."""

    path: list[x509.Certificate]
    revoked: tuple[datetime, str] | None
    usage_error: str
    agency: str
    valid: tuple[datetime, datetime] = field(init=False)  # latest not-before, earliest not-after

    def __post_init__(self) -> None:
        # The path is valid from its latest not-before to its earliest not-after: two
        # comparisons per package, not two datetime conversions per certificate.
        after = min(cert.not_valid_after_utc for cert in self.path)
        before = max(cert.not_valid_before_utc for cert in self.path)
        object.__setattr__(self, "valid", (before, after))

    def judge(self, at: datetime, expected_agency: str | None) -> str:
        before, after = self.valid
        if not before <= at <= after:
            _check_validity(self.path, at)  # raises, naming the certificate and the bound
        if self.revoked is not None and self.revoked[0] <= at:
            raise Rejected("5.3.11", self.revoked[1])
        if self.usage_error:
            raise Rejected("5.3.12", self.usage_error)
        if expected_agency is not None and self.agency != expected_agency:
            named = self.agency or "no agency"
            raise Rejected(
                "5.3.13", f"certificate names {named}, the package is from {expected_agency}"
            )
        return self.agency


def _check_validity(path: list[x509.Certificate], at: datetime) -> None:
    """Every certificate of the path must be valid at ``at`` (docs/domain.md §4)."""
    for position, cert in enumerate(path):
        who = "the signer's certificate" if position == 0 else f"CA {cert.subject.rfc4514_string()}"
        if at > cert.not_valid_after_utc:
            raise Rejected("5.3.9", f"{who} expired {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC")
        if at < cert.not_valid_before_utc:
            raise Rejected(
                "5.3.10", f"{who} is valid from {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
            )


def _key_usage_error(cert: x509.Certificate) -> str:
    # RFC 5280 §4.2.1.3: no KeyUsage extension means no restriction.
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return ""
    if usage.digital_signature or usage.content_commitment:
        return ""
    return "key usage has neither digitalSignature nor nonRepudiation"
