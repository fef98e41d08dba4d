"""Packages in encodings the door does not accept, and payloads that ask the parser to load.

Shared by tests/attacks/test_encodings.py (over HTTP) and tests/edxml/test_parser_hardening.py
(the loader and the parser alone). Each hostile package is a complete, schema-valid unsigned
document (the lenient hub would accept it) whose Subject uses an entity, so a door that parsed
it would relay the entity's expansion or the content of a file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from axis.edxml import build
from tests.hub.conftest import A, B, document

ROOT_OPEN = b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'

# id -> (Python codec, byte-order mark written first, encoding named in the declaration)
FOREIGN = {
    "utf-32-be-no-bom": ("utf-32-be", b"", "UCS-4"),
    "utf-32-le-no-bom": ("utf-32-le", b"", "UCS-4"),
    "utf-32-be-bom": ("utf-32-be", b"\x00\x00\xfe\xff", "UTF-32"),
    "utf-32-le-bom": ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
    "utf-16-be-no-bom": ("utf-16-be", b"", "UTF-16"),
    "utf-16-le-no-bom": ("utf-16-le", b"", "UTF-16"),
    "utf-16-le-bom": ("utf-16-le", b"\xff\xfe", "UTF-16"),
    "ebcdic-declared": ("cp500", b"", "IBM500"),
    "ebcdic-undeclared": ("cp500", b"", ""),
    "utf-7": ("utf-7", b"", "UTF-7"),
    "latin-1-declared": ("latin-1", b"", "ISO-8859-1"),
    # the declaration claims UTF-8, the bytes are something else
    "utf-32-be-claiming-utf-8": ("utf-32-be", b"", "UTF-8"),
    "utf-16-le-claiming-utf-8": ("utf-16-le", b"\xff\xfe", "UTF-8"),
    "utf-16-be-claiming-utf-8": ("utf-16-be", b"", "UTF-8"),
}


def with_doctype(internal_subset: str, subject_use: str = "&x;") -> str:
    """A valid unsigned document whose Subject is ``subject_use``, with a DOCTYPE."""
    text = build(document(A, (B,))).decode("utf-8")
    declaration, _, rest = text.partition("?>")
    start = rest.index("<edXML:Subject>") + len("<edXML:Subject>")
    end = rest.index("</edXML:Subject>")
    rest = rest[:start] + subject_use + rest[end:]
    return f"{declaration}?><!DOCTYPE edXML [{internal_subset}]>{rest}"


def encoded(text: str, codec: str, bom: bytes, declared: str) -> bytes:
    """``text`` (which starts with a UTF-8 XML declaration) in another encoding."""
    declaration = f' encoding="{declared}"' if declared else ""
    text = text.replace(' encoding="UTF-8"', declaration, 1)
    return bom + text.encode(codec, errors="xmlcharrefreplace")


def internal_entity_in(case: str) -> bytes:
    codec, bom, declared = FOREIGN[case]
    return encoded(with_doctype('<!ENTITY x "EXPANDED-BY-THE-HUB">'), codec, bom, declared)


def parameter_entity_to(
    path: str, codec: str = "utf-32-be", declared: str = "UCS-4", copy: int = 0
) -> bytes:
    """An external parameter entity read from ``path`` declares the entity Subject uses;
    ``copy`` makes otherwise identical packages differ (a comment at the end)."""
    subset = f'<!ENTITY % p SYSTEM "file://{path}"> %p;'
    text = with_doctype(subset, "&y;") + f"<!-- {copy} -->"
    return encoded(text, codec, b"", declared)


def release_fifo(path: Path) -> None:
    """Unblock any reader stuck opening ``path`` (open for writing, close: EOF)."""
    with contextlib.suppress(OSError):  # ENXIO: nobody is reading it
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
