"""Validator: the schema stage and the content rules, after parse() in intake.

The XSD check runs on lxml's XMLSchema (libxml2, ~0.02 ms per package). Only when it fails is
the pure-Python xmlschema consulted, to turn the failure into a detail a person can act on
(path, what was expected, what was found); it is slow (~140 ms to compile, ms per document) and
stays off the hot path. Schemas live in <repo>/schemas, versioned by file name.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from lxml import etree

from axis.edxml import rules
from axis.edxml.load import POLICIES
from axis.edxml.model import DocumentPackage, StatusPackage
from axis.errors import Finding, Rejected

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
DOCUMENT_XSD = SCHEMA_DIR / "edxml-1.0.xsd"
STATUS_XSD = SCHEMA_DIR / "edxml-status-1.0.xsd"

_explainers: dict[Path, Any] = {}
_explainers_lock = threading.Lock()


def _xsd_path(pkg: DocumentPackage | StatusPackage | None, root: etree._Element) -> Path:
    if pkg is None:  # explain() without a model: decide by the presence of StatusCode
        is_status = bool(root.xpath("boolean(//*[local-name()='StatusCode'])"))
    else:
        is_status = isinstance(pkg, StatusPackage)
    return STATUS_XSD if is_status else DOCUMENT_XSD


class Validator:
    """Compiled once (per thread, for lxml's schema objects); validate() is thread-safe."""

    def __init__(self, policy: str = "lenient") -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}")
        self.policy = policy
        self._local = threading.local()
        self._schema(DOCUMENT_XSD)  # compile now: a broken schema fails at start, not per request
        self._schema(STATUS_XSD)

    def _schema(self, path: Path) -> etree.XMLSchema:
        schemas: dict[Path, etree.XMLSchema] = self._local.__dict__.setdefault("schemas", {})
        if path not in schemas:
            # the hub's own XSD files (their xs:include / xs:import are local): no DTD, no
            # entities, no network; package bytes never reach this parser
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            schemas[path] = etree.XMLSchema(etree.parse(str(path), parser))
        return schemas[path]

    def validate(self, root: etree._Element, pkg: DocumentPackage | StatusPackage) -> list[Finding]:
        """Schema (Rejected 5.4.1) then content rules (Findings, or Rejected per policy)."""
        path = _xsd_path(pkg, root)
        schema = self._schema(path)
        if not schema.validate(root):
            raise Rejected("5.4.1", self._first_problem(root, path, schema))
        return rules.check(pkg, self.policy)

    def explain(self, root: etree._Element) -> list[str]:
        """Every schema problem as "path: reason" (xmlschema); [] when the tree is valid."""
        path = _xsd_path(None, root)
        return [f"{error.path}: {error.reason}" for error in _explainer(path).iter_errors(root)]

    def _first_problem(self, root: etree._Element, path: Path, schema: etree.XMLSchema) -> str:
        try:
            problems = self.explain(root)
        except Exception:  # diagnostics must never hide the verdict; fall back to libxml2's line
            problems = []
        if problems:
            return problems[0]
        # lxml-stubs declare _ErrorLog empty; lxml's _ListErrorLog has last_error (or None).
        error = schema.error_log.last_error  # type: ignore[attr-defined]
        return f"line {error.line}: {error.message}" if error else "schema validation failed"


def _explainer(path: Path) -> Any:
    with _explainers_lock:
        if path not in _explainers:
            import xmlschema  # slow to import and compile: only when a package already failed

            _explainers[path] = xmlschema.XMLSchema(str(path))
        return _explainers[path]
