"""The TEST PKI: generated at run time by ``axis pki init`` (and test fixtures), never committed.

It stands in for the Government Cipher Committee's hierarchy (docs/domain.md §4): a root, one
intermediate for central bodies and one for provinces (docs/domain.md §2 tiers), a hub certificate,
one signing certificate per agency (its id in the subject UID, see agency_cert.py), and the bad
cases the signature stage must tell apart (5.3.8-5.3.13): one set for 000.00.00.H47 in
``bad/<case>/`` and, on request, a set per further agency in ``bad/<agency>/<case>/`` (the demo
network gives each hub one of its own agencies to test with). Layout: certs/README.md.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from axis.pki.agency_cert import agency_attribute

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

DEFAULT_AGENCIES: tuple[tuple[str, str], ...] = (
    ("000.00.00.G22", "Văn phòng Chính phủ (TEST)"),
    ("000.00.00.G10", "Bộ ngành trung ương G10 (TEST)"),
    ("000.00.00.G15", "Bộ ngành trung ương G15 (TEST)"),
    ("000.00.00.H47", "UBND tỉnh Quảng Nam (TEST)"),
    ("000.00.00.H41", "UBND tỉnh Nghệ An (TEST)"),
    ("000.00.08.H47", "Sở Thông tin và Truyền thông Quảng Nam (TEST)"),
    ("000.00.31.H47", "UBND huyện 31 Quảng Nam (TEST)"),
    ("000.24.31.H47", "UBND xã 24 huyện 31 Quảng Nam (TEST)"),
)

# bad/<case>: what is wrong, and the agency the certificate pretends to sign for.
BAD_CASES: tuple[str, ...] = (
    "expired",
    "not-yet-valid",
    "revoked",
    "wrong-usage",
    "foreign-ca",
    "agency-mismatch",
)
_BAD_AGENCY = "000.00.00.H47"  # the set in bad/<case>/
# RFC 9336 id-kp-documentSigning: what these certificates are for.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class CertPaths:
    """One key pair on disk: private key, certificate, chain (intermediates, may be empty)."""

    key: Path
    cert: Path
    chain: Path


@dataclass(frozen=True)
class DevPki:
    """Paths into a generated dev PKI directory."""

    directory: Path

    @property
    def trust_dir(self) -> Path:
        return self.directory / "trust"

    @property
    def root(self) -> Path:
        return self.trust_dir / "root.pem"

    @property
    def hub(self) -> CertPaths:
        return _paths(self.directory / "hub")

    def agency(self, agency_id: str) -> CertPaths:
        return _paths(self.directory / "agencies" / agency_id)

    def bad_folder(self, case: str, agency: str = "") -> Path:
        """``bad/<case>/`` (000.00.00.H47's set), or ``bad/<agency>/<case>/``."""
        if case not in BAD_CASES:
            raise KeyError(f"no bad case {case!r}; cases: {', '.join(BAD_CASES)}")
        return self.directory / "bad" / agency / case if agency else self.directory / "bad" / case

    def bad(self, case: str, agency: str = "") -> CertPaths:
        return _paths(self.bad_folder(case, agency))

    def bad_agency(self, case: str, agency: str = "") -> str:
        """The agency a bad-case certificate claims to sign for (its ``agency`` file)."""
        return (self.bad_folder(case, agency) / "agency").read_text(encoding="utf-8").strip()

    @property
    def bad_agencies(self) -> tuple[str, ...]:
        """Agencies with a set of their own in ``bad/<agency>/`` (not the bad/<case>/ set)."""
        folder = self.directory / "bad"
        if not folder.is_dir():
            return ()
        return tuple(sorted(p.name for p in folder.iterdir() if p.name not in BAD_CASES))

    @property
    def agencies(self) -> tuple[str, ...]:
        folder = self.directory / "agencies"
        return tuple(sorted(p.name for p in folder.iterdir())) if folder.is_dir() else ()


def _paths(folder: Path) -> CertPaths:
    return CertPaths(folder / "key.pem", folder / "cert.pem", folder / "chain.pem")


@dataclass(frozen=True)
class _Ca:
    name: str
    key: PrivateKey
    cert: x509.Certificate


def init(
    directory: Path,
    agencies: Iterable[tuple[str, str]] | None = None,
    *,
    key_type: str = "rsa",
    force: bool = False,
    bad_agencies: Iterable[str] = (),
) -> DevPki:
    """Generate the dev PKI in ``directory`` (or add missing agencies to an existing one);
    ``bad_agencies`` each get a bad-certificate set of their own (added if missing)."""
    if key_type not in ("rsa", "ec"):
        raise ValueError("key_type must be rsa or ec")
    pki = DevPki(Path(directory))
    wanted = tuple(agencies) if agencies is not None else DEFAULT_AGENCIES
    if force:
        for part in ("trust", "ca", "hub", "agencies", "bad"):
            shutil.rmtree(pki.directory / part, ignore_errors=True)
    if pki.root.exists():
        cas = {name: _load_ca(pki, name) for name in ("root", "central", "provinces")}
    else:
        cas = _new_hierarchy(pki, key_type)
        _issue_hub(pki, cas["root"], key_type)
        _issue_bad_cases(pki, cas, key_type, _BAD_AGENCY, "")
        _write_crls(pki, cas)
    for agency_id, name in wanted:
        if not pki.agency(agency_id).cert.exists():
            _issue_agency(pki.agency(agency_id), cas, agency_id, name, key_type)
    missing = [a for a in dict.fromkeys(bad_agencies) if not pki.bad(BAD_CASES[-1], a).key.exists()]
    for agency_id in missing:
        _issue_bad_cases(pki, cas, key_type, agency_id, agency_id)
    if missing:
        _write_crls(pki, cas)  # every revoked certificate, old and new, in its CA's CRL
    return pki


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_key(key_type: str) -> PrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, agency_id: str = "", org: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if agency_id:
        attrs.append(agency_attribute(agency_id))
    return x509.Name(attrs)


def _builder(
    subject: x509.Name, issuer: x509.Name, key: PrivateKey, issuer_key: PrivateKey
) -> x509.CertificateBuilder:
    builder = x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
    builder = builder.public_key(key.public_key()).serial_number(x509.random_serial_number())
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())
    return builder.add_extension(ski, critical=False).add_extension(aki, critical=False)


def _sign(
    builder: x509.CertificateBuilder, issuer_key: CertificateIssuerPrivateKeyTypes
) -> x509.Certificate:
    return builder.sign(issuer_key, hashes.SHA256())


def _ca_cert(
    name: str, key: PrivateKey, issuer: _Ca | None, years: int, path_length: int | None
) -> x509.Certificate:
    subject = _name(name, org="Ban Cơ yếu Chính phủ (TEST)")
    issuer_name = issuer.cert.subject if issuer else subject
    issuer_key = issuer.key if issuer else key
    now = _now()
    builder = _builder(subject, issuer_name, key, issuer_key)
    # CAs predate their leaves (the expired leaf was issued ~2 years ago, under the same CA).
    start = now - 5 * 365 * _DAY
    builder = builder.not_valid_before(start).not_valid_after(start + 365 * years * _DAY)
    builder = builder.add_extension(x509.BasicConstraints(True, path_length), critical=True)
    usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    return _sign(builder.add_extension(usage, critical=True), issuer_key)


def _new_hierarchy(pki: DevPki, key_type: str) -> dict[str, _Ca]:
    root_key = _new_key(key_type)
    root = _Ca("root", root_key, _ca_cert("Government CA (TEST)", root_key, None, 25, 1))
    cas = {"root": root}
    for name, label in (("central", "Central bodies"), ("provinces", "Provinces")):
        key = _new_key(key_type)
        cas[name] = _Ca(name, key, _ca_cert(f"{label} CA (TEST)", key, root, 15, 0))
    for ca in cas.values():
        _write_key(pki.directory / "ca" / ca.name / "key.pem", ca.key)
        _write_certs(pki.directory / "ca" / ca.name / "cert.pem", [ca.cert])
        if ca.name != "root":
            _write_certs(pki.trust_dir / "intermediates" / f"{ca.name}.pem", [ca.cert])
    _write_certs(pki.root, [root.cert])
    return cas


def _load_ca(pki: DevPki, name: str) -> _Ca:
    folder = pki.directory / "ca" / name
    key = serialization.load_pem_private_key((folder / "key.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return _Ca(name, key, x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes()))


def _leaf(
    issuer: _Ca,
    key: PrivateKey,
    subject: x509.Name,
    *,
    start: dt.datetime | None = None,
    days: int = 730,
    usage: x509.KeyUsage | None = None,
) -> x509.Certificate:
    start = start or _now() - _DAY
    builder = _builder(subject, issuer.cert.subject, key, issuer.key)
    builder = builder.not_valid_before(start).not_valid_after(start + days * _DAY)
    builder = builder.add_extension(x509.BasicConstraints(False, None), critical=True)
    # digitalSignature + nonRepudiation (contentCommitment): a document-signing certificate.
    usage = usage or x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    builder = builder.add_extension(usage, critical=True)
    eku = x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION])
    return _sign(builder.add_extension(eku, critical=False), issuer.key)


def _issuer_for(cas: dict[str, _Ca], agency_id: str) -> _Ca:
    # Provincial People's Committees and everything under them use the H letter (docs/domain.md §2).
    return cas["provinces"] if agency_id[-3:-2] == "H" else cas["central"]


def _issue_agency(
    paths: CertPaths, cas: dict[str, _Ca], agency_id: str, name: str, key_type: str
) -> None:
    key = _new_key(key_type)
    issuer = _issuer_for(cas, agency_id)
    cert = _leaf(issuer, key, _name(name, agency_id, org=name))
    _write_set(paths, key, cert, [issuer.cert])


def _issue_hub(pki: DevPki, root: _Ca, key_type: str) -> None:
    key = _new_key(key_type)
    cert = _leaf(root, key, _name("axis hub (TEST)", org="axis"))
    _write_set(pki.hub, key, cert, [])


def _mismatch_named(agency_id: str) -> str:
    """The other agency an agency-mismatch certificate names (a province's, never its own)."""
    return "000.00.00.H47" if agency_id == "000.00.00.H41" else "000.00.00.H41"


def _issue_bad_cases(
    pki: DevPki, cas: dict[str, _Ca], key_type: str, agency_id: str, folder: str
) -> None:
    """The six bad cases for ``agency_id``, under its usual intermediate, into
    ``bad/<folder>/<case>/`` (``folder`` "" = ``bad/<case>/``)."""
    now, issuer = _now(), _issuer_for(cas, agency_id)
    subject = _name(f"{agency_id} (TEST, bad)", agency_id)
    keys = {case: _new_key(key_type) for case in BAD_CASES}
    named = _mismatch_named(agency_id)
    certs = {
        "expired": _leaf(issuer, keys["expired"], subject, start=now - 800 * _DAY),
        "not-yet-valid": _leaf(issuer, keys["not-yet-valid"], subject, start=now + 30 * _DAY),
        "revoked": _leaf(issuer, keys["revoked"], subject),
        "wrong-usage": _leaf(
            issuer,
            keys["wrong-usage"],
            subject,
            usage=x509.KeyUsage(False, False, True, False, False, False, False, False, False),
        ),
        "agency-mismatch": _leaf(
            _issuer_for(cas, named), keys["agency-mismatch"], _name(f"{named} (TEST)", named)
        ),
    }
    foreign_key = _new_key(key_type)
    foreign = _Ca("foreign", foreign_key, _ca_cert("Foreign CA (TEST)", foreign_key, None, 25, 1))
    certs["foreign-ca"] = _leaf(foreign, keys["foreign-ca"], subject)
    for case in BAD_CASES:
        chain = [foreign.cert] if case == "foreign-ca" else [issuer.cert]
        if case == "agency-mismatch":
            chain = [_issuer_for(cas, named).cert]
        _write_set(pki.bad(case, folder), keys[case], certs[case], chain)
        (pki.bad_folder(case, folder) / "agency").write_text(agency_id + "\n", encoding="utf-8")


def _revoked(pki: DevPki) -> list[x509.Certificate]:
    """Every ``revoked`` bad certificate on disk (bad/revoked/ and bad/<agency>/revoked/)."""
    paths = [pki.bad("revoked").cert] + [pki.bad("revoked", a).cert for a in pki.bad_agencies]
    return [x509.load_pem_x509_certificate(p.read_bytes()) for p in paths if p.is_file()]


def _write_crls(pki: DevPki, cas: dict[str, _Ca]) -> None:
    now, revoked = _now(), _revoked(pki)
    for ca in cas.values():
        builder = x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
        builder = builder.last_update(now - _DAY).next_update(now + 30 * _DAY)
        for cert in (c for c in revoked if c.issuer == ca.cert.subject):
            entry = x509.RevokedCertificateBuilder().serial_number(cert.serial_number)
            builder = builder.add_revoked_certificate(entry.revocation_date(now - _DAY).build())
        crl = builder.sign(ca.key, hashes.SHA256())
        path = pki.trust_dir / f"{ca.name}.crl.pem"
        path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))


def _write_set(
    paths: CertPaths, key: PrivateKey, cert: x509.Certificate, chain: list[x509.Certificate]
) -> None:
    _write_key(paths.key, key)
    _write_certs(paths.cert, [cert])
    _write_certs(paths.chain, chain)


def _write_key(path: Path, key: PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def _write_certs(path: Path, certs: list[x509.Certificate]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))
