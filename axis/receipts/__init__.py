"""Hub-signed transport receipts: proof the hub accepted a package (what, from whom, to whom, when).

Issued on demand through /getReceipt (docs/api.md) for a document the caller's agency sent. The
receipt is framed as an edXML envelope so the same XMLDSig code signs it (axis.pki.xmldsig.sign
puts the signature in edXMLHeader), with the receipt itself in its own namespace inside the
header. It carries the SHA-256 of the exact stored bytes, the sender, each recipient with the
docId it fetches under, the acceptance time, and any warnings (2.x codes) recorded at intake.
Business statuses (01-16) are not receipts: they travel as status packages (docs/domain.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from axis.errors import Rejected
from axis.store.base import DocumentRef, RecipientState

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
RECEIPT_NS = "urn:axis:transport-receipt:1"


@dataclass(frozen=True)
class ReceiptSigner:
    """The hub's signing key and certificate (hub.key_dir), or none configured."""

    key_pem: bytes | None = field(repr=False)  # never in a repr, a traceback or a log
    cert_pem: bytes | None
    hub_name: str = "axis"

    @classmethod
    def load(cls, key_dir: Path) -> ReceiptSigner:
        key, cert = key_dir / "key.pem", key_dir / "cert.pem"
        if key.is_file() and cert.is_file():
            return cls(key.read_bytes(), cert.read_bytes())
        return cls(None, None)

    def sign(self, doc: DocumentRef, recipients: list[RecipientState], findings: str) -> bytes:
        """The signed receipt; 5.7.5 when the hub has no key (the operator must add one).

        A hub without a key is an ordinary configuration, not an internal error (5.7.3)."""
        if self.key_pem is None or self.cert_pem is None:
            raise Rejected("5.7.5", "No key.pem and cert.pem in hub.key_dir.")
        from axis.pki.xmldsig import sign

        return sign(build(doc, recipients, findings, self.hub_name), self.key_pem, self.cert_pem)


def build(doc: DocumentRef, recipients: list[RecipientState], findings: str, hub: str) -> bytes:
    """The unsigned receipt XML."""
    rows = "".join(
        f"<r:Recipient organId={quoteattr(r.agency)} docId={quoteattr(r.delivery_id)}/>"
        for r in recipients
    )
    body = (
        f'<r:TransportReceipt xmlns:r="{RECEIPT_NS}" version="1">'
        f"<r:Hub>{escape(hub)}</r:Hub>"
        f"<r:DocId>{escape(doc.id)}</r:DocId>"
        f"<r:MessageType>{escape(doc.message_type)}</r:MessageType>"
        f"<r:DocumentId>{escape(doc.document_id)}</r:DocumentId>"
        f"<r:From organId={quoteattr(doc.from_agency)} systemId={quoteattr(doc.system_id)}/>"
        f"<r:To>{rows}</r:To>"
        f'<r:Digest algorithm="sha256">{doc.sha256}</r:Digest>'
        f"<r:Size>{doc.size}</r:Size>"
        f"<r:AcceptedAt>{escape(doc.created_at)}</r:AcceptedAt>"
        f'<r:Result code="2.0.0"/>'
        f"<r:Warnings>{escape(findings)}</r:Warnings>"
        "</r:TransportReceipt>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}"><edXML:edXMLHeader>'
        f"{body}</edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"
    ).encode()
