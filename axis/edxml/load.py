"""Hardened XML loading: the first thing intake does with a package's bytes.

Refuses, before or while parsing, everything that is not a plain UTF-8 edXML document: any
other encoding (judged on the first bytes and the declaration, before parsing), DOCTYPEs and
entity declarations (detected on the raw bytes, nothing is ever expanded), XInclude, undeclared
prefixes, excessive depth, oversized nodes, a wrong root. UTF-8 only is what makes the raw-byte
scan sound: in UTF-8 "<!DOCTYPE" is those very bytes (docs/decisions.md "UTF-8 only at the
door"). The parser is forced to UTF-8 whatever the document declares, and never loads anything:
no DTD, no entity, no network and no local file (a resolver refuses every load), so no input can
make a worker wait on a file or a pipe. The tree keeps comments and whitespace because the
signature check canonicalises the document as received (docs/domain.md §4).
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from axis.errors import Finding, Rejected

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
ROOT_TAG = f"{{{NS}}}edXML"
POLICIES = ("strict", "lenient")
HUGE_TREE_ABOVE = 8 * 1024 * 1024  # libxml2 caps a text node at 10 MB unless huge_tree is on
MAX_ATTRIBUTE_CHARS = 64 * 1024
HEAD_BYTES = 64 * 1024  # load_file judges the prefix and the declaration on this much
SCAN_CHUNK = 1 << 20  # load_file scans for DOCTYPE/ENTITY in chunks of this size
_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
UTF8_BOM = b"\xef\xbb\xbf"
# First bytes of XML in another encoding (byte-order marks, then XML 1.0 Appendix F's "<?"
# patterns); longest first, so UTF-32 LE's BOM is not taken for UTF-16 LE's.
_FOREIGN_STARTS = (
    (b"\x00\x00\xfe\xff", "UTF-32 BE (byte-order mark)"),
    (b"\xff\xfe\x00\x00", "UTF-32 LE (byte-order mark)"),
    (b"\xdd\x73\x66\x73", "UTF-EBCDIC (byte-order mark)"),
    (b"\x84\x31\x95\x33", "GB 18030 (byte-order mark)"),
    (b"\x00\x00\x00\x3c", "UTF-32 BE"),
    (b"\x3c\x00\x00\x00", "UTF-32 LE"),
    (b"\x00\x3c\x00\x3f", "UTF-16 BE"),
    (b"\x3c\x00\x3f\x00", "UTF-16 LE"),
    (b"\x4c\x6f\xa7\x94", "EBCDIC"),
    (b"\x2b\x2f\x76", "UTF-7 (byte-order mark)"),
    (b"\xfe\xff", "UTF-16 BE (byte-order mark)"),
    (b"\xff\xfe", "UTF-16 LE (byte-order mark)"),
)

_DECL = re.compile(rb"<\?xml(\s[^>]*?)\?>")
_DECLARED_ENCODING = re.compile(rb"encoding\s*=\s*(\"[^\"]*\"|'[^']*')")
_REPAIRABLE_PREFIX = re.compile(rb"^[0-9 \t\r\n]+$")  # samples/vnpt/edoc_new.edxml: b"1212"
_UTF8_NAMES = {b"utf-8", b"utf8"}
_POSITION_SUFFIX = re.compile(r",\s*line \d+, column \d+$")
_local = threading.local()


@dataclass(frozen=True)
class Loaded:
    root: etree._Element
    # the bytes actually parsed (input minus a lenient repair, if any); for load_file the
    # file, whose parsed document starts at ``offset`` (after a lenient repair)
    data: bytes | Path
    findings: list[Finding] = field(default_factory=list)
    offset: int = 0


def load(
    data: bytes,
    *,
    policy: str = "lenient",
    max_depth: int = 64,
    max_attribute_chars: int = MAX_ATTRIBUTE_CHARS,
) -> Loaded:
    """Parse ``data`` safely into an lxml tree; Rejected 5.1.2 / 5.2.x on anything unsafe."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    if not data.strip():
        raise Rejected("5.1.2", "the package is empty")
    findings: list[Finding] = []
    data = data[_document_start(data, policy, findings) :]
    check_encoding(data)
    refuse_doctype(data)
    data, root = _parse_declaring_known_prefixes(data, policy, findings)
    _refuse_loading(root)
    _check_tree(root, max_depth, max_attribute_chars)
    return Loaded(root=root, data=data, findings=findings)


def load_file(
    path: Path,
    *,
    policy: str = "lenient",
    max_depth: int = 64,
    max_attribute_chars: int = MAX_ATTRIBUTE_CHARS,
) -> Loaded:
    """load() for a package in a file (a spooled large body): the same checks, no Python copy.

    The prefix and encoding are judged on the first HEAD_BYTES, DOCTYPE/ENTITY on the whole
    file in overlapping chunks, and libxml2 parses straight from the file.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    with path.open("rb") as source:
        head = source.read(HEAD_BYTES)
        findings: list[Finding] = []
        start = _document_start(head, policy, findings)
        check_encoding(head[start:])
        source.seek(start)
        if not _scan_for_doctype(source, start):
            raise Rejected("5.1.2", "the package is empty")
        source.seek(start)
        try:
            root = _parse_from(source, path.stat().st_size - start)
        except Rejected as exc:
            if exc.code.code != "5.2.3" or policy != "lenient":
                raise
            # The rare lenient prefix repair rewrites bytes: done in memory (see below).
            source.seek(start)
            data, root = _parse_declaring_known_prefixes(source.read(), policy, findings)
            _refuse_loading(root)
            _check_tree(root, max_depth, max_attribute_chars)
            return Loaded(root=root, data=data, findings=findings)
    _refuse_loading(root)
    _check_tree(root, max_depth, max_attribute_chars)
    return Loaded(root=root, data=path, findings=findings, offset=start)


def _document_start(data: bytes, policy: str, findings: list[Finding]) -> int:
    """Bytes before ``<?xml``: skipped under lenient only when provably outside the document."""
    if data[:1] == b"<" or data.startswith(b"\xef\xbb\xbf<"):
        return 0
    start = data.find(b"<?xml")
    prefix = data[: max(start, 0)]
    if start <= 0 or prefix.isspace():
        return 0  # no declaration, or only whitespace: the parser decides
    if policy == "lenient" and _REPAIRABLE_PREFIX.match(prefix):
        findings.append(Finding("2.2.4", f"removed {len(prefix)} bytes {prefix[:16]!r}"))
        return start
    raise Rejected("5.2.4", f"{len(prefix)} bytes before the XML declaration: {prefix[:16]!r}")


def _scan_for_doctype(source: BinaryIO, start: int) -> bool:
    """refuse_doctype over a file in chunks (overlapping, so a marker split between two
    chunks is still found); True when the file holds anything besides whitespace."""
    keep = max(len(m) for m in _MARKERS) - 1
    tail, position, content = b"", start, False
    while chunk := source.read(SCAN_CHUNK):
        window = tail + chunk
        for marker in _MARKERS:
            at = window.find(marker)
            if at >= 0:
                where = position - len(tail) + at
                raise Rejected("5.2.2", f"{marker[2:].decode()} at byte {where}")
        content = content or bool(chunk.strip())
        tail, position = window[-keep:], position + len(chunk)
    return content


def check_encoding(head: bytes) -> None:
    """UTF-8 (with or without its byte-order mark) and nothing else, judged before parsing.

    Another encoding is recognised by its first bytes (a byte-order mark, "<?" in UTF-16/32 or
    EBCDIC), by NUL bytes (never in UTF-8 XML; always in UTF-16/32 text) or by a declaration
    naming it; a declaration claiming UTF-8 over other bytes fails the first two tests.
    """
    for start, name in _FOREIGN_STARTS:
        if head.startswith(start):
            raise Rejected("5.2.6", f"the package is {name}; send UTF-8")
    text = head.removeprefix(UTF8_BOM)
    if b"\x00" in text[:HEAD_BYTES]:
        raise Rejected("5.2.6", "NUL bytes (UTF-16 or UTF-32 without a byte-order mark?)")
    if text.lstrip(b" \t\r\n")[:1] not in (b"<", b"") and not _is_utf8(text[:64]):
        raise Rejected("5.2.6", f"the package does not begin as UTF-8 text: {text[:8]!r}")
    declaration = _DECL.match(text[:512])
    if declaration is None:
        return  # no declaration: XML's default, UTF-8 (or a syntax error for the parser)
    encoding = _DECLARED_ENCODING.search(declaration[1])
    if encoding is None:
        if b"encoding" in declaration[1]:
            raise Rejected("5.2.6", f"unreadable encoding declaration {declaration[0][:80]!r}")
        return
    declared = encoding[1][1:-1]
    if declared.lower() not in _UTF8_NAMES:
        shown = declared[:40].decode("ascii", "replace")
        raise Rejected("5.2.6", f"declared encoding {shown!r}; send UTF-8")


def _is_utf8(head: bytes) -> bool:
    """``head`` decodes as UTF-8 (a character cut at its end is not an error)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def refuse_doctype(data: bytes) -> None:
    """Any DOCTYPE or entity declaration, found on the raw bytes before the parser sees them.

    A literal "<!DOCTYPE" can only appear in a well-formed UTF-8 document as a DOCTYPE or inside
    a comment/CDATA; refusing the latter too is the safe side.
    """
    for marker in _MARKERS:
        at = data.find(marker)
        if at >= 0:
            raise Rejected("5.2.2", f"{marker[2:].decode()} at byte {at}")


class ExternalLoadRefused(Exception):
    """Raised by the parser's resolver when a document asks to load anything (file, URL, pipe)."""


class _RefuseEveryLoad(etree.Resolver):
    """lxml asks its resolvers before libxml2 opens any external DTD, entity or file; raising
    here stops the load. no_network alone still lets libxml2 read local files, and lxml opens
    an external parameter entity even with resolve_entities=False and load_dtd=False."""

    # lxml calls resolve(url, public_id, context); lxml-stubs omit the context argument.
    def resolve(  # type: ignore[override]
        self, system_url: str, public_id: str, context: object
    ) -> None:
        raise ExternalLoadRefused(system_url)


def safe_parser(*, huge: bool = False) -> etree.XMLParser:
    """A new parser for untrusted bytes: UTF-8 forced, no DTD, no entities, loads nothing.

    huge_tree lifts libxml2's 10 MB text-node cap; callers enable it only for inputs already
    bounded by the body size limit (see HUGE_TREE_ABOVE). Every lxml parse of a package in
    axis uses this (load, the signer); the XSD files are the hub's own (validate.py).
    """
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=huge,
        remove_comments=False,
        remove_blank_text=False,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseEveryLoad())
    return parser


def _parser(huge: bool) -> etree.XMLParser:
    """One parser per thread (lxml parsers are not safe to share between threads)."""
    key = "huge" if huge else "normal"
    parser = getattr(_local, key, None)
    if parser is None:
        parser = safe_parser(huge=huge)
        setattr(_local, key, parser)
    return parser


def _parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _parser(len(data) > HUGE_TREE_ABOVE))
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    except ExternalLoadRefused as exc:
        raise _load_refused(exc) from None


def _parse_from(source: BinaryIO, size: int) -> etree._Element:
    """Parse from an open file at its current position (lxml reads it in chunks)."""
    try:
        return etree.parse(source, _parser(size > HUGE_TREE_ABOVE)).getroot()
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    except ExternalLoadRefused as exc:
        raise _load_refused(exc) from None


def _load_refused(exc: ExternalLoadRefused) -> Rejected:
    return Rejected("5.2.2", f"the package asks to load {str(exc)[:80]!r}; nothing is loaded")


def _refuse_loading(root: etree._Element) -> None:
    """After parsing (the raw scan ran before): a DTD of any kind, or XInclude, is refused.

    Defence in depth: with UTF-8 forced, the raw scan already refused every DOCTYPE; this
    holds even if a future change let one through. XInclude is never executed by axis (no
    xinclude() call), but a recipient's tooling might: it is refused, not relayed.
    """
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise Rejected("5.2.2", "the package has a DOCTYPE")
    for namespace in XINCLUDE_NAMESPACES:
        found = next(root.iter(f"{{{namespace}}}*"), None)
        if found is not None:
            raise Rejected("5.2.9", f"{etree.QName(found).localname} ({namespace})")


def _syntax_error(exc: etree.XMLSyntaxError) -> Rejected:
    message = _POSITION_SUFFIX.sub("", (exc.msg or "").strip())
    where = f"line {exc.lineno}, column {exc.position[1]}"
    return Rejected(_syntax_code(exc), f"{where}: {message}")


def _libxml2_code(exc: etree.XMLSyntaxError) -> int:
    # lxml-stubs omit ParseError.code (lxml sets it: the libxml2 error number, ErrorTypes).
    return exc.code  # type: ignore[attr-defined]


def _syntax_code(exc: etree.XMLSyntaxError) -> str:
    message = (exc.msg or "").lower()
    code = _libxml2_code(exc)
    if code == etree.ErrorTypes.NS_ERR_UNDEFINED_NAMESPACE:
        return "5.2.3"
    if code in (
        etree.ErrorTypes.ERR_INVALID_ENCODING,
        etree.ErrorTypes.ERR_UNSUPPORTED_ENCODING,
    ):
        return "5.2.6"
    if "not proper utf-8" in message or "invalid bytes in character encoding" in message:
        return "5.2.6"
    if "depth" in message:
        return "5.2.5"
    if "too long" in message or "limit exceeded" in message:
        return "5.2.8"
    return "5.2.1"  # including an undefined &entity; (nothing declares one: no DOCTYPE)


def _probes(max_depth: int, max_attribute_chars: int) -> tuple[etree.XPath, etree.XPath]:
    """Per-thread compiled XPaths: one finds an element deeper than max_depth, one a huge attribute."""
    cache: dict[tuple[int, int], tuple[etree.XPath, etree.XPath]] = _local.__dict__.setdefault(
        "probes", {}
    )
    key = (max_depth, max_attribute_chars)
    if key not in cache:
        deep = etree.XPath("boolean(/*" + "/*" * max_depth + ")")
        huge = etree.XPath(f"boolean(//@*[string-length(.) > {int(max_attribute_chars)}])")
        cache[key] = (deep, huge)
    return cache[key]


def _check_tree(root: etree._Element, max_depth: int, max_attribute_chars: int) -> None:
    if root.tag != ROOT_TAG:
        raise Rejected("5.2.7", f"root is {root.tag!r}")
    deep, huge = _probes(max_depth, max_attribute_chars)
    if deep(root):
        raise Rejected("5.2.5", f"elements nested deeper than {max_depth}")
    if huge(root):
        raise Rejected("5.2.8", f"an attribute longer than {max_attribute_chars} characters")


# Undeclared prefixes (docs/domain.md §3): the VNPT SDK's own example package (samples'
# edoc.edxml) uses ``edXML`` and ``xlink`` where they are not declared, and the vendor's
# library reads it. Under lenient exactly these two well-known prefixes are declared on the
# root, with their one possible meaning, and the package is parsed again (2.2.3); any other
# undeclared prefix, or strict, stays 5.2.3. The repaired bytes are what the store keeps.
WELL_KNOWN_PREFIXES = {"edXML": NS, "xlink": "http://www.w3.org/1999/xlink"}
_UNDECLARED = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")
_ROOT_START = re.compile(rb"<!--.*?-->|<\?.*?\?>|<(?P<name>[A-Za-z_][\w.:-]*)", re.S)


def _parse_declaring_known_prefixes(
    data: bytes, policy: str, findings: list[Finding]
) -> tuple[bytes, etree._Element]:
    """Parse ``data``; under lenient, repair undeclared well-known prefixes (see above)."""
    huge = len(data) > HUGE_TREE_ABOVE
    try:
        return data, etree.fromstring(data, _parser(huge))
    except etree.XMLSyntaxError as exc:
        error = exc
    except ExternalLoadRefused as exc:
        raise _load_refused(exc) from None
    if policy != "lenient" or _libxml2_code(error) != etree.ErrorTypes.NS_ERR_UNDEFINED_NAMESPACE:
        raise _syntax_error(error)
    prefixes = _undeclared_prefixes(data, huge)
    if not prefixes or not prefixes <= WELL_KNOWN_PREFIXES.keys():
        raise _syntax_error(error)
    repaired = _declare_on_root(data, sorted(prefixes))
    if repaired is None:
        raise _syntax_error(error)
    root = _parse(repaired)
    declared = ", ".join(f"xmlns:{p}" for p in sorted(prefixes))
    findings.append(Finding("2.2.3", f"declared {declared} on the root"))
    return repaired, root


def _undeclared_prefixes(data: bytes, huge: bool) -> set[str]:
    """Every prefix libxml2 finds undeclared; empty if it finds any other kind of error.
    The thread's error log is cleared first: it still holds earlier documents' errors."""
    etree.clear_error_log()
    try:
        etree.fromstring(data, _parser(huge))
    except etree.XMLSyntaxError as exc:
        prefixes = set()
        for error in exc.error_log:  # type: ignore[attr-defined]
            match = _UNDECLARED.search(error.message or "")
            if error.type != etree.ErrorTypes.NS_ERR_UNDEFINED_NAMESPACE or match is None:
                return set()
            prefixes.add(match[1])
        return prefixes
    return set()


def _declare_on_root(data: bytes, prefixes: list[str]) -> bytes | None:
    """``data`` with xmlns:<prefix> declarations added to the root's start tag."""
    for token in _ROOT_START.finditer(data):
        if token["name"] is not None:
            attrs = "".join(f' xmlns:{p}="{WELL_KNOWN_PREFIXES[p]}"' for p in prefixes)
            return data[: token.end()] + attrs.encode() + data[token.end() :]
    return None
