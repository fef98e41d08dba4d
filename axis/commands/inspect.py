"""``axis inspect FILE``: a readable summary of one package, for people.

Runs the same edXML steps as intake (load -> parse -> Validator) and prints who sends what to
whom, the business type, dates, attachments with their decoded sizes, the routing trace, the
status fields of a status package, the warnings, and the signature verdict from axis.pki
(mode "optional", no trust store: it reports what kind of signature the package carries).
Bad input prints ``FILE: REJECT <code> <reason>`` and exits 1.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from lxml import etree

from axis.edxml import Attachment, DocumentPackage, StatusPackage, attachments, load, parse
from axis.edxml.model import BUSINESS_TYPE_NAMES, Organization
from axis.edxml.validate import Validator
from axis.errors import CATALOGUE, Finding, Rejected

STATUS_NAMES = {
    "01": "arrived",
    "02": "rejected",
    "03": "accepted",
    "04": "assigned",
    "05": "processing",
    "06": "finished",
    "13": "recall requested",
    "15": "change accepted",
    "16": "change refused",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("inspect", help="print a readable summary of one package")
    parser.add_argument("file", metavar="FILE", help=".edxml package")
    parser.add_argument("--policy", choices=("strict", "lenient"), default="lenient")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"{args.file}: REJECT 5.1.9 {CATALOGUE['5.1.9'].sentence} {exc.strerror}")
        return 1
    try:
        loaded = load(data, policy=args.policy)
        pkg = parse(loaded.root)
        findings = loaded.findings + Validator(args.policy).validate(loaded.root, pkg)
    except Rejected as exc:
        print(f"{args.file}: REJECT {exc.code.code} {exc.reason}")
        return 1
    print("\n".join(summary(pkg, findings, args.file, loaded.root)))
    return 0


def summary(
    pkg: DocumentPackage | StatusPackage, findings: list[Finding], name: str, root: etree._Element
) -> list[str]:
    lines = [f"{name}: {'status' if isinstance(pkg, StatusPackage) else 'document'} package"]
    lines += [f"  from:        {_org(pkg.sender)}"]
    lines += _status(pkg) if isinstance(pkg, StatusPackage) else _document(pkg)
    lines += [f"  signature:   {_signature(root)}"]
    lines += [f"  warning:     {f.code} {f.reason}" for f in findings]
    return lines


def _org(org: Organization) -> str:
    return f"{org.organ_id} {org.organ_name}".strip() or "(empty)"


def _document(pkg: DocumentPackage) -> list[str]:
    lines = [f"  to:          {_org(r)}" for r in pkg.recipients]
    business = BUSINESS_TYPE_NAMES.get(pkg.business_doc_type, "unknown")
    lines += [
        f"  document id: {pkg.document_id}",
        f"  subject:     {pkg.subject}",
        f"  code:        {pkg.code.code_number}/{pkg.code.code_notation}",
        f"  type:        {pkg.document_type.type_name or pkg.document_type.type}",
        f"  business:    {pkg.business_doc_type} ({business})",
        f"  promulgated: {pkg.promulgation.promulgation_date} {pkg.promulgation.place}".rstrip(),
        f"  due:         {pkg.due_date or '-'}",
    ]
    if pkg.business is not None and pkg.business.document_id:
        lines.append(f"  original:    {pkg.business.document_id}")
    lines += [f"  responds to: {r.document_id}" for r in pkg.response_for]
    for att in pkg.attachments:
        size = f"{att.decoded_size} bytes"
        lines.append(f"  attachment:  {att.attachment_name} ({att.content_type or '?'}, {size})")
        if attachments.is_zip(att.content_type, att.attachment_name):
            lines += _zip_members(att)
    lines += [f"  trace:       {t.timestamp} {t.organ_id}" for t in pkg.traces]
    return lines


def _zip_members(att: Attachment) -> list[str]:
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        att.decode_to(spool)
        spool.seek(0)
        try:
            members = attachments.list_zip(spool)
        except Rejected as exc:
            return [f"    (zip: {exc.code.code} {exc.detail})"]
    return [f"    zip member: {m.name} ({m.size} bytes)" for m in members]


def _status(pkg: StatusPackage) -> list[str]:
    meaning = STATUS_NAMES.get(pkg.status_code.strip(), "unknown")
    return [
        f"  about:       {pkg.response_for.document_id} (to {pkg.response_for.organ_id})",
        f"  status:      {pkg.status_code} ({meaning})",
        f"  description: {pkg.description}",
        f"  timestamp:   {pkg.timestamp}",
        f"  staff:       {pkg.staff.staff if pkg.staff else '-'}",
    ]


def _signature(root: etree._Element) -> str:
    try:
        from axis.pki import xmldsig
    except ImportError:
        return "not checked (axis.pki is not available)"
    try:
        verdict = xmldsig.verify(root, mode="optional", trust=None)
    except Rejected as exc:
        return f"REJECT {exc.code.code} {exc.reason}"
    signer = f", signer {verdict.signer}" if verdict.signer else ""
    codes = "".join(f" [{f.code}]" for f in verdict.findings)
    return f"{verdict.kind}{' (legacy algorithms)' if verdict.legacy else ''}{signer}{codes}"
