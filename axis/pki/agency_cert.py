"""Where a signing certificate names the agency it speaks for (docs/domain.md §4).

The signature stage compares this id with the package's ``From/OrganId`` (5.3.13). Decision
(docs/decisions.md "Agency id in signing certificates"): the agency id (Circular 10/2016 form,
e.g. ``000.00.00.H47``) is the subject's UID attribute (OID 0.9.2342.19200300.100.1.1), the
attribute Vietnamese CAs already use for identifiers (real VNPT-CA certificates carry
``UID=CMND:...`` there). A tagged value ``MCQ:000.00.00.H47`` (tag, colon, id) is read as the
id after the colon, so a CA that prefixes its identifiers still works.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

AGENCY_ATTRIBUTE = NameOID.USER_ID
# Tag the dev PKI writes in front of the id ("mã cơ quan"); any "TAG:" prefix is accepted.
AGENCY_TAG = "MCQ"


def agency_of(cert: x509.Certificate) -> str:
    """The agency id the certificate names, or "" when its subject has no UID attribute."""
    values = cert.subject.get_attributes_for_oid(AGENCY_ATTRIBUTE)
    if not values:
        return ""
    value = values[0].value
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return text.split(":", 1)[1].strip() if ":" in text else text.strip()


def agency_attribute(agency_id: str) -> x509.NameAttribute:
    """The subject attribute the dev PKI writes for ``agency_id``."""
    return x509.NameAttribute(AGENCY_ATTRIBUTE, f"{AGENCY_TAG}:{agency_id}")
