"""The signer's certificate: trusted chain, validity, revocation, key usage, the agency
(docs/domain.md §4). Uses the dev PKI's bad-certificate cases for the sender's agency
(``<pki>/bad/<agency>/<case>/``, else ``<pki>/bad/<case>/``)."""

from __future__ import annotations

from axis.conformance import packages
from axis.conformance.evidence import Skipped
from axis.conformance.registry import case
from axis.conformance.target import Context

CLAUSE = "docs/domain.md §4"


async def _refused_with(ctx: Context, bad_case: str, code: str) -> None:
    sender, recipient = ctx.party("sender", keys=False), ctx.party("recipient", keys=False)
    found = ctx.target.bad_keys(bad_case, sender.agency)
    if found is None:
        raise Skipped(f"needs the PKI's bad/{bad_case} certificate: give --pki")
    keys, agency = found
    if agency != sender.agency:
        raise Skipped(f"bad/{bad_case} signs for {agency}, not a served agency of the sender")
    data = keys.sign(packages.write(packages.document(agency, (recipient.agency,))))
    ctx.refused(await ctx.send(sender, data), code, f"signed with the {bad_case} certificate")
    await ctx.not_delivered(recipient, data, bad_case)


def _cert_case(case_id: str, bad_case: str, code: str, title: str, hint: str) -> None:
    async def run(ctx: Context) -> None:
        await _refused_with(ctx, bad_case, code)

    run.__name__ = bad_case.replace("-", "_")
    case(case_id, title, clause=CLAUSE, hint=hint)(run)


_cert_case(
    "HUB-CERT-001", "expired", "5.3.9",
    "A signer certificate expired at signing time is refused",
    "Check the certificate's validity at signing time (axis: 5.3.9).",
)  # fmt: skip
_cert_case(
    "HUB-CERT-002", "not-yet-valid", "5.3.10",
    "A signer certificate not yet valid is refused",
    "Check notBefore against the signing time (axis: 5.3.10).",
)  # fmt: skip
_cert_case(
    "HUB-CERT-003", "revoked", "5.3.11",
    "A revoked signer certificate is refused",
    "Check the CA's CRL (axis: 5.3.11).",
)  # fmt: skip
_cert_case(
    "HUB-CERT-004", "wrong-usage", "5.3.12",
    "A certificate without the digital-signature key usage is refused",
    "Require digitalSignature (or nonRepudiation) in the key usage (axis: 5.3.12).",
)  # fmt: skip
_cert_case(
    "HUB-CERT-005", "foreign-ca", "5.3.8",
    "A certificate from an untrusted CA is refused",
    "Chain the signer to a configured trust anchor (axis: 5.3.8).",
)  # fmt: skip
_cert_case(
    "HUB-CERT-006", "agency-mismatch", "5.3.13",
    "A certificate naming another agency than From is refused",
    "Match the agency id in the certificate with the package's From (axis: 5.3.13).",
)  # fmt: skip
