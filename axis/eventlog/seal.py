"""Hub-signed checkpoints of the chain: "up to event SEQ the chain ends in HASH" (X-Road style).

Signed with the hub key that signs transport receipts (hub.key_dir): ECDSA or RSA PKCS#1 v1.5
with SHA-256 over ``signed_text``. A seal pins everything before it: an edited, removed or
re-hashed event before a seal changes the chain head the seal names. Events after the last
seal are protected by the chain links only until the next seal (eventlog.seal_every_s).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from axis.eventlog.event import SealRow

VERSION = "axis-eventlog-seal/1"


def signed_text(seq: int, head_hash: str, at: str, hub: str) -> bytes:
    """The exact bytes a seal's signature covers."""
    return f"{VERSION}\nseq={seq}\nhash={head_hash}\nat={at}\nhub={hub}\n".encode()


@dataclass(frozen=True)
class SealKey:
    """The hub's private key and certificate (PEM), as ReceiptSigner loads them."""

    key_pem: bytes = field(repr=False)  # never in a log line or a traceback's locals
    cert_pem: bytes
    hub: str = "axis"

    def sign(self, seq: int, head_hash: str, at: str) -> str:
        key = serialization.load_pem_private_key(self.key_pem, password=None)
        data = signed_text(seq, head_hash, at, self.hub)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise ValueError(f"hub key type {type(key).__name__} cannot sign seals")
        return base64.b64encode(signature).decode()


def verify_seal(seal: SealRow, cert_pem: str | None = None) -> str:
    """ "" if the seal's signature verifies with ``cert_pem`` (default: the one it carries),
    else what is wrong."""
    try:
        cert = x509.load_pem_x509_certificate((cert_pem or seal.cert).encode())
        signature = base64.b64decode(seal.signature, validate=True)
    except ValueError as exc:
        return f"seal {seal.id}: unreadable certificate or signature ({exc})"
    public = cert.public_key()
    data = signed_text(seal.seq, seal.hash, seal.at, seal.hub)
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return f"seal {seal.id}: unsupported key type {type(public).__name__}"
    except InvalidSignature:
        return f"seal {seal.id} (seq {seal.seq}): the signature does not verify"
    return ""


def fingerprint(cert_pem: str) -> str:
    """SHA-256 fingerprint of a PEM certificate (what an operator compares out of band)."""
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    return cert.fingerprint(hashes.SHA256()).hex()
