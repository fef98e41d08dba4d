"""Agency ids (Circular 10/2016/TT-BTTTT) and DocumentIds.

Used by the content rules (pattern checks), the directory and routing (tier, parent) and by
senders composing a DocumentId. See docs/domain.md §2 for the id form and the four tiers, and
docs/decisions.md "Agency tiers" for how level-2 ids under a province are classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from axis.edxml.dates import parse_date

STANDARD_AGENCY_ID = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-K]\d{2}$")
_PROVINCIAL_LETTERS = "HK"  # H## provincial People's Committees, K## provincial People's Councils
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?$")
_COMPOSED = re.compile(
    r"^(?P<organ>[^,\s]+),(?P<date>\d{4}/\d{2}/\d{2}),(?P<number>[^,/]+)/(?P<notation>.+)$"
)


@dataclass(frozen=True)
class AgencyId:
    """An agency id read right to left: level 1 ``L##``, level 2 ``YY``, 3 ``ZZ``, 4 ``VVV``."""

    raw: str
    is_standard: bool
    level1: str = ""  # e.g. "H53"
    level2: str = ""  # e.g. "31"
    level3: str = ""  # e.g. "24"
    level4: str = ""  # e.g. "000"

    @property
    def letter(self) -> str:
        return self.level1[:1]

    @property
    def level(self) -> int:
        """How deep the id sits: 1 for ``000.00.00.X##`` ... 4 when VVV is used; 0 if unknown."""
        if not self.is_standard:
            return 0
        for depth, part in ((4, self.level4), (3, self.level3), (2, self.level2)):
            if part.strip("0"):
                return depth
        return 1

    @property
    def is_provincial(self) -> bool:
        return self.is_standard and self.letter in _PROVINCIAL_LETTERS

    @property
    def tier(self) -> str:
        """central | province | district | commune | unknown (docs/domain.md §2, decisions.md)."""
        if not self.is_standard or not self._consistent():
            return "unknown"
        if not self.is_provincial:
            return "central"
        return {1: "province", 2: "district"}.get(self.level, "commune")

    def _consistent(self) -> bool:
        # a lower level may only be used when every higher one is (no 000.05.00.H53)
        used = [bool(p.strip("0")) for p in (self.level2, self.level3, self.level4)]
        return used == sorted(used, reverse=True)

    @property
    def parent(self) -> str | None:
        """The id one level up (000.24.31.H53 -> 000.00.31.H53); None at level 1 or unknown."""
        level = self.level
        if level <= 1:
            return None
        parts = [self.level4, self.level3, self.level2, self.level1]
        parts[4 - level] = "0" * len(parts[4 - level])
        return ".".join(parts)

    @property
    def province_code(self) -> str | None:
        """Level-1 code of the province (``H53``) for provincial ids, else None."""
        return self.level1 if self.is_provincial else None

    @property
    def province_number(self) -> int | None:
        """The province number (53), as used in connection-centre ids like ``00.53.W00``."""
        return int(self.level1[1:]) if self.is_provincial else None


def parse_agency_id(raw: str) -> AgencyId:
    """Split ``raw``; nonconforming ids (``28.22.H17``, ``vxp.saas.03``) give is_standard False."""
    if not STANDARD_AGENCY_ID.match(raw):
        return AgencyId(raw=raw, is_standard=False)
    level4, level3, level2, level1 = raw.split(".")
    return AgencyId(raw, True, level1, level2, level3, level4)


def is_standard_agency_id(raw: str) -> bool:
    return STANDARD_AGENCY_ID.match(raw) is not None


@dataclass(frozen=True)
class DocumentId:
    """``OrganId,yyyy/MM/dd,Number/Notation`` (e.g. 000.00.00.G22,2015/09/30,7816/VPCP-TTĐT) or a GUID."""

    raw: str
    organ_id: str = ""
    date: str = ""
    number: str = ""
    notation: str = ""
    is_guid: bool = False

    @property
    def date_is_valid(self) -> bool:
        return self.is_guid or parse_date(self.date) is not None


def parse_document_id(raw: str) -> DocumentId | None:
    """The parts of ``raw``, or None when it is neither the composed form nor a GUID.

    The date part must have the yyyy/MM/dd shape here; whether that date exists is a separate
    question (DocumentId.date_is_valid), because real ids carry impossible dates (2014/02/30).
    """
    if _GUID.match(raw):
        return DocumentId(raw=raw, is_guid=True)
    match = _COMPOSED.match(raw)
    if match is None:
        return None
    return DocumentId(raw, match["organ"], match["date"], match["number"], match["notation"])


def compose_document_id(organ_id: str, date: str, number: str, notation: str) -> str:
    """``OrganId,yyyy/MM/dd,Number/Notation``; ``date`` already in yyyy/MM/dd."""
    return f"{organ_id},{date},{number}/{notation}"
