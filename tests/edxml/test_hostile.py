"""Hostile XML is refused with its code, quickly and without expanding anything."""

from __future__ import annotations

import resource
import time

import pytest

from axis.edxml import load, load_file
from axis.errors import Rejected

ROOT_OPEN = b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML>"""


def quadratic_blowup() -> bytes:
    entity = b"A" * 100_000
    body = b"&a;" * 50_000  # 5 GB if expanded
    return (
        b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY a "'
        + entity
        + b'">]>'
        + ROOT_OPEN
        + body
        + b"</edXML>"
    )


def refused(data: bytes, **kwargs: object) -> str:
    start = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(Rejected) as info:
        load(data, **kwargs)  # type: ignore[arg-type]
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert time.perf_counter() - start < 1.0
    assert grown_kb < 64 * 1024 + len(data) // 1024 * 4  # nothing expanded beyond the input
    return info.value.code.code


def test_billion_laughs_is_refused_5_2_2() -> None:
    assert refused(BILLION_LAUGHS) == "5.2.2"


def test_quadratic_blowup_is_refused_5_2_2() -> None:
    assert refused(quadratic_blowup()) == "5.2.2"


def test_external_file_entity_is_refused_5_2_2() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + ROOT_OPEN
        + b"&x;</edXML>"
    )
    assert refused(data) == "5.2.2"


def test_external_http_entity_is_refused_5_2_2() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
        + ROOT_OPEN
        + b"&x;</edXML>"
    )
    assert refused(data) == "5.2.2"


def test_doctype_alone_is_refused_5_2_2() -> None:
    assert refused(b'<?xml version="1.0"?><!DOCTYPE edXML>' + ROOT_OPEN + b"</edXML>") == "5.2.2"


def test_external_dtd_reference_is_refused_5_2_2() -> None:
    data = b'<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/x.dtd">' + ROOT_OPEN + b"</edXML>"
    assert refused(data) == "5.2.2"


def test_nesting_one_deeper_than_max_depth_is_refused_5_2_5() -> None:
    inner = b"<a>" * 64 + b"</a>" * 64  # root + 64 = 65 levels
    assert refused(ROOT_OPEN + inner + b"</edXML>", max_depth=64) == "5.2.5"


def test_nesting_at_max_depth_is_accepted() -> None:
    inner = b"<a>" * 63 + b"</a>" * 63
    assert load(ROOT_OPEN + inner + b"</edXML>", max_depth=64).root is not None


def test_extreme_nesting_is_refused_5_2_5() -> None:
    inner = b"<a>" * 100_000 + b"</a>" * 100_000
    assert refused(ROOT_OPEN + inner + b"</edXML>") == "5.2.5"


def test_huge_attribute_is_refused_5_2_8() -> None:
    data = ROOT_OPEN[:-1] + b' x="' + b"A" * 200_000 + b'"></edXML>'
    assert refused(data) == "5.2.8"


def test_attribute_beyond_libxml2_limit_is_refused_5_2_8() -> None:
    data = ROOT_OPEN[:-1] + b' x="' + b"A" * 11_000_000 + b'"></edXML>'
    assert refused(data) == "5.2.8"


def test_invalid_utf8_is_refused_5_2_6() -> None:
    assert (
        refused(b'<?xml version="1.0" encoding="UTF-8"?>' + ROOT_OPEN + b"\xff\xfe</edXML>")
        == "5.2.6"
    )


def test_declared_latin1_is_refused_5_2_6() -> None:
    assert (
        refused(b'<?xml version="1.0" encoding="ISO-8859-1"?>' + ROOT_OPEN + b"\xe9</edXML>")
        == "5.2.6"
    )


def test_utf16_is_refused_5_2_6() -> None:
    assert refused((ROOT_OPEN + b"</edXML>").decode().encode("utf-16")) == "5.2.6"


def test_empty_body_is_refused_5_1_2() -> None:
    assert refused(b"") == "5.1.2"
    assert refused(b" \r\n") == "5.1.2"


def test_malformed_xml_is_refused_5_2_1_with_line_and_column() -> None:
    with pytest.raises(Rejected) as info:
        load(ROOT_OPEN + b"\n<a></b></edXML>")
    assert info.value.code.code == "5.2.1"
    assert "line 2, column" in info.value.detail


def test_undefined_entity_reference_is_refused_5_2_1() -> None:
    assert refused(ROOT_OPEN + b"&nbsp;</edXML>") == "5.2.1"


def test_undeclared_prefix_is_refused_5_2_3() -> None:
    assert refused(ROOT_OPEN + b"<x:a/></edXML>") == "5.2.3"


XLINK = b'<edXML:AttachmentEncoded><edXML:Reference xlink:href="cid:1"/></edXML:AttachmentEncoded>'


def test_undeclared_edxml_and_xlink_are_declared_under_lenient_2_2_3() -> None:
    loaded = load(ROOT_OPEN + XLINK + b"</edXML>", policy="lenient")
    assert [f.code for f in loaded.findings] == ["2.2.3"]
    assert "xmlns:edXML, xmlns:xlink" in loaded.findings[0].detail
    assert isinstance(loaded.data, bytes)
    assert load(loaded.data, policy="strict").findings == []  # the kept bytes are well-formed
    reference = loaded.root[0][0]
    assert reference.get("{http://www.w3.org/1999/xlink}href") == "cid:1"


def test_undeclared_well_known_prefixes_stay_refused_under_strict_5_2_3() -> None:
    assert refused(ROOT_OPEN + XLINK + b"</edXML>", policy="strict") == "5.2.3"


def test_any_other_undeclared_prefix_is_refused_even_beside_well_known_ones_5_2_3() -> None:
    assert refused(ROOT_OPEN + b"<x:a/></edXML>", policy="lenient") == "5.2.3"
    assert refused(ROOT_OPEN + XLINK + b"<ds:b/></edXML>", policy="lenient") == "5.2.3"


def test_a_refused_document_does_not_spoil_the_next_repair() -> None:
    """libxml2's error log is per thread: an earlier refusal must not leak into the next."""
    assert refused(ROOT_OPEN + b"<x:a/></edXML>", policy="lenient") == "5.2.3"
    assert load(ROOT_OPEN + XLINK + b"</edXML>", policy="lenient").findings[0].code == "2.2.3"


def test_a_spooled_package_gets_the_same_repair(tmp_path) -> None:
    path = tmp_path / "big.edxml"
    path.write_bytes(ROOT_OPEN + XLINK + b"</edXML>")
    loaded = load_file(path, policy="lenient")
    assert [f.code for f in loaded.findings] == ["2.2.3"]
    assert isinstance(loaded.data, bytes) and b"xmlns:xlink" in loaded.data
    with pytest.raises(Rejected) as info:
        load_file(path, policy="strict")
    assert info.value.code.code == "5.2.3"


def test_wrong_root_is_refused_5_2_7() -> None:
    assert refused(b"<edXML/>") == "5.2.7"
    assert refused(b'<x xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>') == "5.2.7"


def test_leading_digits_are_refused_under_strict_5_2_4() -> None:
    assert (
        refused(b'1212<?xml version="1.0"?>' + ROOT_OPEN + b"</edXML>", policy="strict") == "5.2.4"
    )


def test_leading_non_digit_garbage_is_refused_even_under_lenient_5_2_4() -> None:
    assert (
        refused(b'GET /<?xml version="1.0"?>' + ROOT_OPEN + b"</edXML>", policy="lenient")
        == "5.2.4"
    )


def test_leading_digits_before_declaration_are_removed_under_lenient_2_2_4() -> None:
    loaded = load(b'1212\r\n<?xml version="1.0"?>' + ROOT_OPEN + b"</edXML>", policy="lenient")
    assert [f.code for f in loaded.findings] == ["2.2.4"]
    assert loaded.data.startswith(b"<?xml")


def test_leading_digits_without_a_declaration_are_not_repaired() -> None:
    assert refused(b"1212" + ROOT_OPEN + b"</edXML>", policy="lenient") == "5.2.1"


def test_comments_and_whitespace_are_kept_for_canonicalisation() -> None:
    loaded = load(ROOT_OPEN + b"<!-- keep -->\n  </edXML>")
    assert len(loaded.root) == 1 and loaded.root.text is None and loaded.root[0].tail == "\n  "
