"""What recipients' software can read: namespace declarations in packages axis writes.

VNPT's jdom2-based EdXML library (what many DMSs read packages with) throws on a prefixed
element that redeclares the default namespace (docs/domain.md §3), so whatever axis writes
into a package must declare only the namespaces its own prefixes use. ``problems`` lists every
breach in a package's bytes; tests/conftest.py applies it to every package the suite builds,
signs, forwards (trace) or receives as a receipt.
"""

from __future__ import annotations

import io
import re

from lxml import etree

_PREFIX_IN_TEXT = re.compile(r"([A-Za-z_][\w.-]*):[A-Za-z_]")


def _prefixes_used(element: etree._Element) -> set[str | None]:
    """Prefixes the subtree's tags and attributes use, and those an XPath text names."""
    used: set[str | None] = set()
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        used.add(node.prefix)
        for name in node.attrib:
            if name.startswith("{"):
                uri = name[1:].split("}", 1)[0]
                used.update(p for p, u in node.nsmap.items() if u == uri and p)
        if etree.QName(node).localname == "XPath" and node.text:
            used.update(_PREFIX_IN_TEXT.findall(node.text))
    return used


def _declarations(data: bytes) -> list[tuple[etree._Element, dict[str, str]]]:
    """Each element with the namespace declarations written on it (prefix "" = default),
    redundant ones included (lxml's nsmap hides a redeclaration of the same URI)."""
    pending: dict[str, str] = {}
    found = []
    events = etree.iterparse(
        io.BytesIO(data), events=("start-ns", "start"), resolve_entities=False,
        no_network=True, huge_tree=True,
    )  # fmt: skip
    for event, item in events:
        if event == "start-ns":
            prefix, uri = item
            pending[prefix or ""] = uri
        else:
            found.append((item, pending))
            pending = {}
    return found


def problems(data: bytes) -> list[str]:
    """Every prefixed element redeclaring the default namespace, and every declaration of a
    prefix its element's subtree never uses."""
    found = []
    for element, declared in _declarations(data):
        local = etree.QName(element).localname
        name = f"<{element.prefix + ':' if element.prefix else ''}{local}>"
        if element.prefix and "" in declared:
            found.append(f"{name} (line {element.sourceline}) redeclares the default namespace")
        unused = {p for p in declared if p} - _prefixes_used(element)
        if unused:
            found.append(f"{name} (line {element.sourceline}) declares unused {sorted(unused)}")
    return found
