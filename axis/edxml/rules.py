"""Content rules: what the schema cannot say (docs/edxml-rules.md lists each with its codes).

Runs after the XSD in Validator.validate(). A rule either always refuses (``fatal``: the hub
cannot act on the package at all) or is relaxable: refused with its 5.x code under ``strict``,
accepted with the 2.x twin as a Finding under ``lenient``. Fatal rules run first so both
policies give the same code for a package that is unusable anyway.
"""

from __future__ import annotations

from datetime import date

from axis.edxml import attachments as att
from axis.edxml.dates import parse_date, parse_timestamp
from axis.edxml.ids import is_standard_agency_id, parse_document_id
from axis.edxml.model import DocumentPackage, Organization, ResponseFor, StatusPackage
from axis.errors import Finding, Rejected, relaxed

# docs/domain.md §5
STATUS_CODES = frozenset({"01", "02", "03", "04", "05", "06", "13", "15", "16"})
BUSINESS_DOC_TYPES = frozenset({0, 1, 2, 3})

# One provincial axis's field limits (docs/domain.md §3), in characters.
ORG_LIMITS = {"organ_name": 200, "organ_add": 500, "email": 100, "telephone": 20, "fax": 20}
LIMITS = {
    "CodeNumber": 11,
    "CodeNotation": 30,
    "Place": 50,
    "Subject": 500,
    "Content": 500,
    "AttachmentName": 500,
}


class Issues:
    """Collects findings; raises at once for fatal rules, and for relaxable ones under strict."""

    def __init__(self, policy: str) -> None:
        self.strict = policy == "strict"
        self.findings: list[Finding] = []

    def fatal(self, code: str, detail: str) -> None:
        raise Rejected(code, detail)

    def relaxable(self, code: str, detail: str) -> None:
        if self.strict:
            raise Rejected(code, detail)
        self.findings.append(Finding(relaxed(code), detail))


def check(pkg: DocumentPackage | StatusPackage, policy: str) -> list[Finding]:
    """Findings for ``pkg`` under ``policy``; raises Rejected for what the policy refuses."""
    issues = Issues(policy)
    if isinstance(pkg, StatusPackage):
        _status_fatal(pkg, issues)
        _status_relaxable(pkg, issues)
    else:
        _document_fatal(pkg, issues)
        _document_relaxable(pkg, issues)
    return issues.findings


# --- status packages (docs/domain.md §5) -------------------------------------------------------


def _status_fatal(pkg: StatusPackage, issues: Issues) -> None:
    if not pkg.sender.organ_id.strip():
        issues.fatal("5.4.9", "From/OrganId is empty")
    if not pkg.response_for.document_id.strip():
        issues.fatal("5.4.9", "ResponseFor/DocumentId is empty: the status must name its document")
    if not pkg.status_code.strip():
        issues.fatal("5.4.9", "StatusCode is empty")
    if pkg.status_code.strip() not in STATUS_CODES:
        issues.fatal("5.4.7", f"StatusCode {pkg.status_code[:10]!r}")


def _status_relaxable(pkg: StatusPackage, issues: Issues) -> None:
    if pkg.status_code != pkg.status_code.strip():  # intake uses the trimmed code (check.py)
        issues.relaxable("5.4.7", f"StatusCode {pkg.status_code!r} has whitespace around it")
    _agency_id(pkg.sender.organ_id, "From/OrganId", issues)
    _response_for(pkg.response_for, issues)
    _organization_limits(pkg.sender, "From", issues)
    if not pkg.timestamp.strip():
        issues.relaxable("5.4.9", "Timestamp is empty")
    else:
        _timestamp(pkg.timestamp, "Timestamp", issues)


# --- document packages (docs/domain.md §3) -----------------------------------------------------


def _document_fatal(pkg: DocumentPackage, issues: Issues) -> None:
    if not pkg.sender.organ_id.strip():
        issues.fatal("5.4.9", "From/OrganId is empty")
    if not pkg.recipients:
        issues.fatal("5.5.2", "no To element")
    for n, recipient in enumerate(pkg.recipients, 1):
        if not recipient.organ_id.strip():
            issues.fatal("5.4.9", f"To[{n}]/OrganId is empty")
    if not pkg.document_id.strip():
        issues.fatal("5.4.9", "DocumentId is empty")
    if pkg.business is not None and pkg.business.doc_type not in BUSINESS_DOC_TYPES:
        issues.fatal("5.6.10", f"BussinessDocType {pkg.business.doc_type}")
    for n, attachment in enumerate(pkg.attachments, 1):
        where = f"Attachment[{n}] {attachment.attachment_name[:60]!r}"
        encoded = attachment.text()  # one transient copy for a large one, checked in chunks
        if att.is_placeholder(encoded):
            # The vendor SDK's own example sends one (docs/decisions.md "Sample verdicts").
            issues.relaxable("5.4.14", f"{where}: {encoded.strip()[:60]!r}")
        else:
            try:
                att.check_base64(encoded)
            except Rejected as exc:
                raise Rejected("5.4.5", f"{where}: {exc.detail}") from None
        del encoded
        _, finding = att.sanitise_name(attachment.attachment_name)  # 5.4.10 raises here
        if finding is not None:
            issues.findings.append(finding)


def _document_relaxable(pkg: DocumentPackage, issues: Issues) -> None:
    _document_required(pkg, issues)
    _document_ids(pkg, issues)
    _document_dates(pkg, issues)
    _document_limits(pkg, issues)
    _manifest(pkg, issues)


def _document_required(pkg: DocumentPackage, issues: Issues) -> None:
    if not pkg.subject.strip():
        issues.relaxable("5.4.9", "Subject is empty")
    if not pkg.promulgation.promulgation_date.strip():
        issues.relaxable("5.4.9", "PromulgationInfo/PromulgationDate is empty")
    business = pkg.business
    if business is None or business.doc_type == 0:
        return
    # a revoke/update/replace must say which document it changes (docs/domain.md §7)
    originals = [business.document_id] + [r.document_id for r in business.replacements]
    originals += [r.document_id for r in pkg.response_for]
    if not any(o.strip() for o in originals):
        issues.relaxable(
            "5.4.9", f"BussinessDocType {business.doc_type} names no original DocumentId"
        )


def _document_ids(pkg: DocumentPackage, issues: Issues) -> None:
    _agency_id(pkg.sender.organ_id, "From/OrganId", issues)
    for n, recipient in enumerate(pkg.recipients, 1):
        _agency_id(recipient.organ_id, f"To[{n}]/OrganId", issues)
    _document_id(pkg.document_id, "DocumentId", issues)
    for response in pkg.response_for:
        _response_for(response, issues)
    business = pkg.business
    if business is None:
        return
    if business.document_id.strip():
        _document_id(business.document_id, "Bussiness/DocumentId", issues)
    for n, item in enumerate(business.replacements, 1):
        _document_id(item.document_id, f"ReplacementInfo[{n}]/DocumentId", issues)
        for organ in item.organ_ids:
            _agency_id(organ, f"ReplacementInfo[{n}]/OrganId", issues)
    receivers = business.document_info.receivers if business.document_info else ()
    for n, receiver in enumerate(receivers, 1):
        _agency_id(receiver.organ_id, f"Receiver[{n}]/OrganId", issues)


def _document_dates(pkg: DocumentPackage, issues: Issues) -> None:
    promulgated = _date(pkg.promulgation.promulgation_date, "PromulgationDate", issues)
    due = _date(pkg.due_date, "DueDate", issues)  # DueDate may be empty
    if promulgated and due and due < promulgated:
        issues.relaxable(
            "5.4.4",
            f"DueDate {pkg.due_date} < PromulgationDate {pkg.promulgation.promulgation_date}",
        )
    for n, trace in enumerate(pkg.traces, 1):
        _timestamp(trace.timestamp, f"TraceHeader[{n}]/Timestamp", issues)


def _document_limits(pkg: DocumentPackage, issues: Issues) -> None:
    _organization_limits(pkg.sender, "From", issues)
    for n, recipient in enumerate(pkg.recipients, 1):
        _organization_limits(recipient, f"To[{n}]", issues)
    _limit(pkg.code.code_number, "CodeNumber", issues)
    _limit(pkg.code.code_notation, "CodeNotation", issues)
    _limit(pkg.promulgation.place, "Place", issues)
    _limit(pkg.subject, "Subject", issues)
    _limit(pkg.content, "Content", issues)
    for ref in pkg.references:
        _limit(ref.attachment_name, "AttachmentName", issues)


def _manifest(pkg: DocumentPackage, issues: Issues) -> None:
    announced = sorted(_content_id(r.content_id) for r in pkg.references)
    carried = sorted(_content_id(a.content_id) for a in pkg.attachments)
    if announced != carried:
        issues.relaxable("5.4.6", f"manifest {announced[:5]} vs attachments {carried[:5]}")


# --- single-field checks -----------------------------------------------------------------------


def _content_id(value: str) -> str:
    value = value.strip().strip("<>")
    return value[4:] if value[:4].lower() == "cid:" else value


def _agency_id(value: str, where: str, issues: Issues) -> None:
    if value.strip() and not is_standard_agency_id(value):
        issues.relaxable("5.4.2", f"{where} {value[:40]!r}")


def _document_id(value: str, where: str, issues: Issues) -> None:
    parsed = parse_document_id(value)
    if parsed is None:
        issues.relaxable("5.4.8", f"{where} {value[:80]!r}")
    elif not parsed.date_is_valid:
        issues.relaxable("5.4.3", f"{where} carries the date {parsed.date}")


def _response_for(response: ResponseFor, issues: Issues) -> None:
    if response.organ_id.strip():
        _agency_id(response.organ_id, "ResponseFor/OrganId", issues)
    if response.document_id.strip():
        _document_id(response.document_id, "ResponseFor/DocumentId", issues)
    _date(response.promulgation_date, "ResponseFor/PromulgationDate", issues)


def _date(value: str, where: str, issues: Issues) -> date | None:
    if not value.strip():
        return None
    parsed = parse_date(value)
    if parsed is None:
        issues.relaxable("5.4.3", f"{where} {value[:20]!r}")
    return parsed


def _timestamp(value: str, where: str, issues: Issues) -> None:
    if parse_timestamp(value) is None:
        issues.relaxable("5.4.13", f"{where} {value[:30]!r}")


def _limit(value: str, name: str, issues: Issues) -> None:
    if len(value) > LIMITS[name]:
        issues.relaxable("5.4.11", f"{name} has {len(value)} characters (limit {LIMITS[name]})")


def _organization_limits(org: Organization, where: str, issues: Issues) -> None:
    for attr, limit in ORG_LIMITS.items():
        size = len(getattr(org, attr))
        if size > limit:
            issues.relaxable("5.4.11", f"{where}/{attr} has {size} characters (limit {limit})")
