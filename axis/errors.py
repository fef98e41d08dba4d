"""The exception tree and the catalogue of result codes.

Every outcome axis reports (CLI line, HTTP body, log line, receipt) carries one code from
CATALOGUE, written ``class.subject.detail``: class 2 = success (or accepted with a warning),
4 = temporary (try again later), 5 = permanent (the sender must change something).

Subjects: 1 request/transport, 2 XML well-formedness and safety, 3 signature and certificate,
4 schema and content, 5 routing and directory, 6 business rules, 7 store and system,
8 authentication and authorisation, 9 delivery by push.

A rule that the ``lenient`` policy relaxes has two entries with the same subject.detail: the
``5.`` one (refused, strict) and the ``2.`` one (accepted with a warning, lenient).
docs/codes.md is generated from this table (``axis codes --markdown``) and a test keeps the two
in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    slug: str
    sentence: str
    http: int = 400

    @property
    def klass(self) -> int:
        return int(self.code.split(".", 1)[0])

    @property
    def is_warning(self) -> bool:
        return self.klass == 2 and self.code != "2.0.0"


_ENTRIES: tuple[Code, ...] = (
    Code("2.0.0", "ok", "Accepted.", 200),
    # 1 request / transport
    Code(
        "5.1.1",
        "request.too-large",
        "The body exceeds the configured size limit; split the document or ask the operator to raise intake.max_body_bytes.",
        413,
    ),
    Code(
        "5.1.2",
        "request.empty",
        "The request body is empty; send the .edxml bytes as the body.",
        400,
    ),
    Code(
        "5.1.3",
        "request.hash-file-mismatch",
        "XroadVnpt-hash-file does not match the SHA-256 of the body; the body was altered or truncated in transit.",
        400,
    ),
    Code(
        "5.1.4",
        "request.missing-header",
        "A required XroadVnpt-* header is missing; the response names it.",
        400,
    ),
    Code(
        "5.1.5",
        "request.bad-parameter",
        "A header or parameter has a value outside what the operation accepts; the response names it.",
        400,
    ),
    Code(
        "5.1.6",
        "request.unknown-operation",
        "No such operation; see /openapi.json for the list.",
        404,
    ),
    Code(
        "5.1.7", "request.header-too-large", "A header value is longer than the hub accepts.", 431
    ),
    Code(
        "5.1.8",
        "request.unknown-document",
        "No document with that id is addressed to you (or it never existed).",
        404,
    ),
    Code("5.1.9", "request.file-not-found", "The input file cannot be read.", 400),
    Code(
        "5.1.10",
        "delivery.already-done",
        "This delivery was already acknowledged done, which is final; a later fail is refused. Fetch it again only if it is still listed.",
        409,
    ),
    Code(
        "5.1.11",
        "request.body-too-slow",
        "The request body stalled or arrived too slowly; nothing was accepted; check the network and send again.",
        408,
    ),
    Code(
        "5.1.12",
        "request.not-found",
        "Nothing with that id is stored here; check the id (the hub id, as the search lists it).",
        404,
    ),
    # 2 XML safety and well-formedness
    Code(
        "5.2.1",
        "xml.malformed",
        "The package is not well-formed XML; the detail gives line and column.",
        400,
    ),
    Code(
        "5.2.2",
        "xml.doctype-forbidden",
        "DOCTYPE declarations and entities are refused (XXE and entity-expansion defence); remove the DOCTYPE.",
        400,
    ),
    Code(
        "5.2.3",
        "xml.undeclared-prefix",
        "A namespace prefix is used without being declared; declare it (e.g. xmlns:edXML) where it is used.",
        400,
    ),
    Code(
        "2.2.3",
        "xml.well-known-prefix-declared",
        "The well-known prefixes edXML and/or xlink were used undeclared; the hub declared them on the root before parsing (lenient repair). Declare them in the package.",
        200,
    ),
    Code("5.2.4", "xml.leading-garbage", "Bytes precede the XML declaration; remove them.", 400),
    Code(
        "2.2.4",
        "xml.leading-garbage-removed",
        "Bytes preceding the XML declaration were removed before parsing (lenient repair).",
        200,
    ),
    Code("5.2.5", "xml.too-deep", "Elements are nested deeper than the hub accepts.", 400),
    Code(
        "5.2.6",
        "xml.bad-encoding",
        "The package is not UTF-8 (the only encoding the hub accepts), declares another encoding, or has bytes invalid in UTF-8; re-encode it as UTF-8.",
        400,
    ),
    Code(
        "5.2.7",
        "xml.wrong-root",
        "The root is not edXML in namespace http://www.mic.gov.vn/TBT/QCVN_102_2016.",
        400,
    ),
    Code(
        "5.2.8",
        "xml.too-large-node",
        "A text node or attribute is larger than the hub accepts.",
        400,
    ),
    Code(
        "5.2.9",
        "xml.xinclude-forbidden",
        "XInclude elements are refused (the hub never loads content from elsewhere); put the content in the package.",
        400,
    ),
    # 3 signature and certificate
    Code(
        "5.3.1",
        "signature.missing",
        "The package carries no signature but the signature policy requires one; sign it with the agency's certificate.",
        400,
    ),
    Code(
        "2.3.1",
        "signature.missing-allowed",
        "The package carries no signature; accepted because the policy makes signatures optional.",
        200,
    ),
    Code(
        "5.3.2",
        "signature.digest-mismatch",
        "The signed content changed after signing (reference digest mismatch).",
        400,
    ),
    Code(
        "5.3.3",
        "signature.value-invalid",
        "The SignatureValue does not verify with the certificate's key.",
        400,
    ),
    Code(
        "5.3.4",
        "signature.placeholder",
        "The Signature element is decorative (not in the XMLDSig namespace, a copied value or a truncated certificate) and proves nothing; sign properly.",
        400,
    ),
    Code(
        "2.3.4",
        "signature.placeholder-accepted",
        "The Signature element is decorative (no XMLDSig namespace, copied value or truncated certificate); accepted under the lenient policy, nothing verified.",
        200,
    ),
    Code(
        "5.3.5",
        "signature.algorithm-forbidden",
        "The signature uses an algorithm the policy does not allow (SHA-1 needs signature.allow_legacy).",
        400,
    ),
    Code(
        "2.3.6",
        "signature.legacy-algorithm",
        "The signature verified but uses a legacy algorithm (SHA-1 or inclusive c14n) allowed by configuration.",
        200,
    ),
    Code(
        "5.3.7",
        "signature.structure",
        "The signature's structure is not acceptable: more than one signature, misplaced, a reference other than the whole package, or missing the enveloped transform.",
        400,
    ),
    Code(
        "5.3.8",
        "certificate.untrusted",
        "The signer's certificate does not chain to a configured trust anchor.",
        400,
    ),
    Code(
        "5.3.9", "certificate.expired", "The signer's certificate had expired at signing time.", 400
    ),
    Code(
        "5.3.10",
        "certificate.not-yet-valid",
        "The signer's certificate was not yet valid at signing time.",
        400,
    ),
    Code(
        "5.3.11", "certificate.revoked", "The signer's certificate is revoked by its CA's CRL.", 400
    ),
    Code(
        "5.3.12",
        "certificate.key-usage",
        "The signer's certificate is not for digital signatures (key usage).",
        400,
    ),
    Code(
        "5.3.13",
        "certificate.agency-mismatch",
        "The signer's certificate identifies another agency than the package's From.",
        400,
    ),
    Code(
        "5.3.14",
        "certificate.malformed",
        "The certificate in KeyInfo is missing or cannot be decoded.",
        400,
    ),
    Code(
        "5.3.15",
        "signature.key-mismatch",
        "The key in KeyInfo is not the certificate's key (key substitution).",
        400,
    ),
    Code(
        "2.3.16",
        "signature.not-checked",
        "The signature was not checked: signature checking is off on this hub for this sender (signature.mode or per_sender = off).",
        200,
    ),
    # 4 schema and content
    Code(
        "5.4.1",
        "schema.invalid",
        "The package does not match the edXML schema; the detail gives the path, what was expected and what was found.",
        400,
    ),
    Code(
        "5.4.2",
        "content.agency-id-malformed",
        "An OrganId does not follow the VVV.ZZ.YY.L## pattern of Circular 10/2016/TT-BTTTT.",
        400,
    ),
    Code(
        "2.4.2",
        "content.agency-id-nonstandard",
        "An OrganId does not follow the VVV.ZZ.YY.L## pattern; accepted under the lenient policy.",
        200,
    ),
    Code(
        "5.4.3",
        "content.date-impossible",
        "A date does not exist in the calendar or is not yyyy/MM/dd.",
        400,
    ),
    Code(
        "2.4.3",
        "content.date-impossible-accepted",
        "A date does not exist in the calendar or is not yyyy/MM/dd; accepted under the lenient policy.",
        200,
    ),
    Code(
        "5.4.4", "content.due-before-promulgation", "DueDate is earlier than PromulgationDate.", 400
    ),
    Code(
        "2.4.4",
        "content.due-before-promulgation-accepted",
        "DueDate is earlier than PromulgationDate; accepted under the lenient policy.",
        200,
    ),
    Code("5.4.5", "content.attachment-encoding", "An attachment is not valid base64.", 400),
    Code(
        "5.4.6",
        "content.manifest-mismatch",
        "The manifest's references and the attachments do not match by ContentId.",
        400,
    ),
    Code(
        "2.4.6",
        "content.manifest-mismatch-accepted",
        "The manifest's references and the attachments do not match by ContentId; accepted under the lenient policy.",
        200,
    ),
    Code("5.4.7", "content.status-code", "StatusCode is not one of 01-06, 13, 15, 16.", 400),
    Code(
        "2.4.7",
        "content.status-code-padded",
        "StatusCode had whitespace around it; the trimmed code was used (lenient). Send the two digits alone.",
        200,
    ),
    Code(
        "5.4.8",
        "content.document-id-malformed",
        "DocumentId is neither OrganId,yyyy/MM/dd,Number/Notation nor a GUID.",
        400,
    ),
    Code(
        "2.4.8",
        "content.document-id-nonstandard",
        "DocumentId is neither OrganId,yyyy/MM/dd,Number/Notation nor a GUID; accepted under the lenient policy.",
        200,
    ),
    Code(
        "5.4.9",
        "content.required-missing",
        "A field the standard requires is missing or empty; the detail names it.",
        400,
    ),
    Code(
        "2.4.9",
        "content.required-missing-accepted",
        "A field the standard requires is missing or empty; accepted under the lenient policy.",
        200,
    ),
    Code(
        "5.4.10",
        "content.attachment-name-unsafe",
        "An attachment name is empty, too long or contains path separators or control characters.",
        400,
    ),
    Code(
        "2.4.10",
        "content.attachment-name-sanitised",
        "An attachment name contained path separators or control characters; a sanitised name is used on disk.",
        200,
    ),
    Code("5.4.11", "content.field-too-long", "A field is longer than its limit.", 400),
    Code(
        "2.4.11",
        "content.field-too-long-accepted",
        "A field is longer than its limit; accepted under the lenient policy.",
        200,
    ),
    Code(
        "5.4.12",
        "content.message-type-mismatch",
        "messagetype says edoc but the body is a status package, or the reverse.",
        400,
    ),
    Code("5.4.13", "content.timestamp-malformed", "A Timestamp is not yyyy/MM/dd HH:mm:ss.", 400),
    Code(
        "2.4.13",
        "content.timestamp-malformed-accepted",
        "A Timestamp is not yyyy/MM/dd HH:mm:ss; accepted under the lenient policy.",
        200,
    ),
    Code(
        "5.4.14",
        "content.placeholder-attachment",
        "An attachment holds a template placeholder instead of content.",
        400,
    ),
    Code(
        "2.4.14",
        "content.placeholder-attachment-accepted",
        "An attachment holds a template placeholder instead of content; accepted under the "
        "lenient policy, relayed as received: the recipient gets no readable file.",
        200,
    ),
    Code(
        "5.4.15",
        "content.attachment-archive-unsafe",
        "A zip attachment cannot be opened safely (unreadable, too many members, too large or too compressed when expanded).",
        400,
    ),
    Code(
        "5.4.16",
        "content.ambiguous-identity",
        "The package names its sender, recipients or document more than once or out of place (a second MessageHeader, From, OrganId, DocumentId or ResponseFor, or one inside another element), so two readers could disagree; send exactly one of each in MessageHeader.",
        400,
    ),
    # 5 routing and directory
    Code(
        "5.5.1",
        "route.unknown-recipient",
        "A To OrganId is not in the directory; correct it or ask the operator to register the agency.",
        400,
    ),
    Code("5.5.2", "route.no-recipient", "The package names no recipient (To).", 400),
    Code("5.5.3", "route.unknown-sender", "The From OrganId is not in the directory.", 400),
    Code("5.5.4", "directory.agency-exists", "An agency with that id is already registered.", 409),
    Code("5.5.5", "directory.agency-unknown", "No agency with that id is registered.", 404),
    Code("5.5.6", "directory.parent-unknown", "The parent agency (pcode) is not registered.", 400),
    Code(
        "5.5.7",
        "directory.import-invalid",
        "The agency file has an invalid row; the detail names it.",
        400,
    ),
    Code(
        "5.5.8",
        "directory.bad-agency-id",
        "An agency id (id, code or pcode) is not VVV.ZZ.YY.L## in ASCII (3, 2 and 2 digits, a letter A-K and 2 digits); correct it.",
        400,
    ),
    Code(
        "5.5.9",
        "directory.agency-has-mail",
        "Documents are still waiting for that agency; fetch and acknowledge them (getReceivedEdocList, getEdoc, updateStatus) before deleting it.",
        409,
    ),
    Code(
        "5.5.10",
        "directory.agency-id-retired",
        "That id belonged to an agency another system deleted with document history; ids with history are never given to a new owner. Ask the operator.",
        409,
    ),
    Code(
        "5.5.11",
        "route.upstream-only",
        "A To agency is reachable only through an upstream hub, and this hub has none configured ([upstream] url); send it through a hub that has one (the detail names the agencies).",
        400,
    ),
    Code(
        "5.5.12",
        "route.loop",
        "The package's TraceHeaderList already holds this hub: it went round a loop of hubs. Check the hubs' [upstream] settings and directories (the detail names the trace).",
        508,
    ),
    Code(
        "5.5.13",
        "route.hop-limit",
        "The package already crossed more hubs than tiers.hop_limit allows; check the hubs' directories for a routing mistake (the detail names the trace).",
        508,
    ),
    Code(
        "2.5.14",
        "route.retired-successor",
        "A To agency was retired in a reorganisation; the package is delivered to its successor(s) instead (the detail names them). Update your contact list.",
        200,
    ),
    Code(
        "5.5.15",
        "route.retired-no-successor",
        "A To agency was retired and has no successor; nobody would read it. Remove it from the To list (the detail names it).",
        400,
    ),
    # 6 business rules
    Code(
        "2.6.1",
        "business.duplicate-retry",
        "The same bytes were already accepted from this sender; the original DocId is returned (idempotent retry).",
        200,
    ),
    Code(
        "5.6.2",
        "business.document-exists",
        "A new document (BussinessDocType 0) reuses a DocumentId this sender already sent.",
        409,
    ),
    Code(
        "5.6.3",
        "business.original-unknown",
        "A revoke, update, replace or status refers to a document this hub does not know.",
        400,
    ),
    Code(
        "5.6.4",
        "business.original-foreign",
        "A revoke, update or replace refers to a document another sender sent.",
        403,
    ),
    Code(
        "5.6.5",
        "business.reporter-not-recipient",
        "A status comes from an agency the document was not addressed to.",
        403,
    ),
    Code(
        "5.6.6",
        "business.status-duplicate",
        "This status was already reported for this document by this agency (only 05 may repeat).",
        409,
    ),
    Code(
        "5.6.7",
        "business.status-out-of-order",
        "This status cannot follow the agency's previous status for this document.",
        409,
    ),
    Code(
        "5.6.8",
        "business.cancel-not-sender",
        "Status 13 (recall) may only come from the document's original sender.",
        403,
    ),
    Code(
        "5.6.9",
        "business.no-pending-change",
        "Status 15/16 answers a recall or update, but none is pending for this agency.",
        409,
    ),
    Code("5.6.10", "business.doc-type", "BussinessDocType is not 0, 1, 2 or 3.", 400),
    # 7 store and system
    Code(
        "4.7.1",
        "store.unavailable",
        "The hub cannot store packages right now (disk full, read-only or locked); nothing was accepted; retry after the Retry-After delay.",
        503,
    ),
    Code(
        "4.7.2",
        "system.overloaded",
        "The hub is at its concurrency limit; retry after the Retry-After delay.",
        503,
    ),
    Code(
        "4.7.5",
        "system.share-in-flight",
        "This system already has as many requests in flight as one system may; wait for them, then retry after the Retry-After delay.",
        503,
    ),
    Code(
        "4.7.6",
        "system.rate-limited",
        "This system sends more requests per second than one system may; retry after the Retry-After delay.",
        429,
    ),
    Code(
        "5.7.3",
        "system.internal",
        "An unexpected error occurred; nothing was accepted; the hub's log has the details under the request id.",
        500,
    ),
    Code(
        "5.7.4",
        "config.invalid",
        "The configuration file is invalid; the detail names the key.",
        500,
    ),
    Code(
        "5.7.5",
        "receipt.no-signing-key",
        "This hub has no receipt signing key, so it cannot issue receipts; ask the operator to install one in hub.key_dir.",
        501,
    ),
    # 8 authentication and authorisation
    Code(
        "5.8.1",
        "auth.bad-hmac",
        "XroadVnpt-hash-header is not the HMAC-SHA256 of XroadVnpt-sign-header with this system's secret.",
        401,
    ),
    Code(
        "5.8.2", "auth.unknown-system", "XroadVnpt-systemid names no system registered here.", 401
    ),
    Code(
        "5.8.3",
        "auth.stale-timestamp",
        "XroadVnpt-timestamp is outside the accepted window; check the client clock and time zone.",
        401,
    ),
    Code(
        "5.8.4",
        "auth.replay",
        "This signed header was already used; every request needs a fresh timestamp.",
        401,
    ),
    Code(
        "5.8.5",
        "auth.header-mismatch",
        "A header named in sign-header-key differs from the value inside sign-header, or is missing.",
        401,
    ),
    Code(
        "5.8.6", "auth.foreign-sender", "The From agency is not served by the calling system.", 403
    ),
    Code(
        "5.8.7",
        "auth.foreign-document",
        "That document is not addressed to an agency served by the calling system.",
        403,
    ),
    Code(
        "5.8.8",
        "auth.foreign-agency",
        "Agencies may only be registered or deleted under the calling system.",
        403,
    ),
    Code(
        "5.8.10",
        "auth.foreign-unit",
        "The agency belongs to a unit (province or central body, the L## of its id) the calling system does not serve; register it under its own system, or ask the operator (directory.register_scope).",
        403,
    ),
    Code("5.8.9", "auth.bad-timestamp", "XroadVnpt-timestamp is not ddMMyyyyTHHmmss+NNNN.", 401),
    Code(
        "5.8.11",
        "auth.no-token",
        "The gateway request carries no bearer token this hub issued (Authorization: Bearer <token>); get one from POST /token with the connected system's id and secret.",
        401,
    ),
    Code(
        "5.8.12",
        "auth.token-expired",
        "The bearer token has expired; get a new one from POST /token and send the request again.",
        401,
    ),
    Code(
        "5.8.13",
        "auth.bad-client-credentials",
        "POST /token: the client id and secret are not a connected system and its current secret; use the system id and secret the operator gave you (HTTP Basic or client_id/client_secret).",
        401,
    ),
    # console and admin API (docs/console.md)
    Code(
        "5.8.14",
        "admin.bad-token",
        "The admin API needs the header Authorization: Bearer <token>, the token whose SHA-256 is console.admin_token_sha256; ask the hub's operator for it.",
        401,
    ),
    Code(
        "5.8.15",
        "console.bad-login",
        "Unknown operator or wrong password; an administrator sets one with `axis operators add NAME`.",
        401,
    ),
    Code(
        "5.8.16",
        "console.bad-csrf",
        "The form's anti-forgery token is missing or does not match this session; reload the page and submit the form again.",
        403,
    ),
    Code(
        "5.8.17",
        "admin.trace-unknown",
        "This hub logged nothing for that DocId or DocumentId; it may not have passed here: ask the hubs before and after it on the trace.",
        404,
    ),
    Code(
        "5.8.18",
        "bridge.bad-push-signature",
        "POST /bridge/push must be signed by this hub's upstream with this hub's secret there (docs/tiers.md); the detail says what failed.",
        401,
    ),
    Code(
        "4.8.1",
        "console.login-throttled",
        "Too many failed logins for this operator name recently; wait the Retry-After delay, then try again.",
        429,
    ),
    # 9 delivery by push (docs/delivery.md): in a delivery's last_error, seen by the sender
    Code(
        "5.9.1",
        "delivery.expired",
        "The recipient's endpoint did not take the document within delivery.lifetime_s (the last error follows); send it again once the recipient is reachable, or reach it another way.",
        504,
    ),
    Code(
        "5.9.2",
        "delivery.refused-by-endpoint",
        "The recipient's endpoint refused the pushed document for good (its answer follows); the recipient's operator must fix its endpoint or ask for the document again.",
        502,
    ),
    Code(
        "4.9.3",
        "delivery.endpoint-unavailable",
        "The recipient's endpoint did not take the document yet (no answer, busy or failing); the hub retries on its schedule, nothing to do.",
        503,
    ),
    Code(
        "4.9.4",
        "delivery.quarantined",
        "Delivering this document failed unexpectedly and it is set aside; the hub operator must look at the log and release it (axis quarantine release ID).",
        500,
    ),
    Code(
        "2.9.5",
        "delivery.failure-status-unsigned",
        "This hub-made failure status is unsigned: the hub has no key in hub.key_dir; trust it only as far as the hub connection, and ask the hub operator to add a key.",
        200,
    ),
)

CATALOGUE: dict[str, Code] = {entry.code: entry for entry in _ENTRIES}


def code(code_id: str) -> Code:
    """The catalogue entry for a code id; an unknown id is a programming error."""
    return CATALOGUE[code_id]


def relaxed(code_id: str) -> str:
    """The lenient twin of a ``5.s.d`` rule code (``2.s.d``), if the catalogue has one."""
    twin = "2." + code_id.split(".", 1)[1]
    return twin if twin in CATALOGUE else code_id


class AxisError(Exception):
    """Base of every error axis raises on purpose; carries a catalogue code."""

    def __init__(self, code_id: str, detail: str = "") -> None:
        self.code = CATALOGUE[code_id]
        self.detail = detail
        super().__init__(f"{code_id} {self.code.slug}: {detail or self.code.sentence}")

    @property
    def reason(self) -> str:
        """A sentence a person can act on: the catalogue sentence plus the specifics."""
        return f"{self.code.sentence} {self.detail}".strip() if self.detail else self.code.sentence


class Rejected(AxisError):
    """Permanent: the sender's input is wrong. Nothing is stored."""


class Deferred(AxisError):
    """Temporary: retry later."""


class StoreUnavailable(Deferred):
    """The store cannot accept writes; answer 503 with Retry-After, accept nothing."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("4.7.1", detail)


class ConfigError(AxisError):
    """The configuration is invalid; raised at start."""

    def __init__(self, detail: str) -> None:
        super().__init__("5.7.4", detail)


@dataclass(frozen=True)
class Finding:
    """A warning recorded against an accepted package (a ``2.x.y`` code) with its specifics."""

    code: str
    detail: str

    @property
    def reason(self) -> str:
        return f"{CATALOGUE[self.code].sentence} {self.detail}".strip()


def markdown_table() -> str:
    """docs/codes.md: the catalogue as a table."""
    lines = [
        "# Result codes",
        "",
        "Generated from `axis/errors.py` by `axis codes --markdown`; do not edit by hand.",
        "Format `class.subject.detail`: 2 success or accepted with a warning, 4 temporary, 5 permanent.",
        "Subjects: 1 request, 2 XML, 3 signature/certificate, 4 schema/content, 5 routing/directory,",
        "6 business rules, 7 store/system, 8 authentication/authorisation.",
        "",
        "| code | name | HTTP | meaning |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c.code} | {c.slug} | {c.http} | {c.sentence} |" for c in _ENTRIES]
    return "\n".join(lines) + "\n"
