"""Agency ids (tiers, parents), DocumentIds and the standard's date formats."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from axis.edxml.dates import format_date, format_timestamp, parse_date, parse_timestamp
from axis.edxml.ids import compose_document_id, parse_agency_id, parse_document_id


@pytest.mark.parametrize(
    ("raw", "tier", "level", "parent"),
    [
        ("000.00.00.G22", "central", 1, None),
        ("000.00.04.G14", "central", 2, "000.00.00.G14"),
        ("000.00.00.H53", "province", 1, None),
        ("000.00.31.H53", "district", 2, "000.00.00.H53"),
        (
            "000.00.08.H53",
            "district",
            2,
            "000.00.00.H53",
        ),  # a department: level 2 too (decisions.md)
        ("000.24.31.H53", "commune", 3, "000.00.31.H53"),
        ("001.24.31.H53", "commune", 4, "000.24.31.H53"),
        ("000.00.00.K41", "province", 1, None),
        ("28.22.H17", "unknown", 0, None),
        ("vxp.saas.03", "unknown", 0, None),
        ("000.05.00.H53", "unknown", 3, "000.00.00.H53"),
    ],
)
def test_agency_id_tier_level_and_parent(
    raw: str, tier: str, level: int, parent: str | None
) -> None:
    agency = parse_agency_id(raw)
    assert (agency.tier, agency.level, agency.parent) == (tier, level, parent)


def test_provincial_id_knows_its_province() -> None:
    agency = parse_agency_id("000.24.31.H53")
    assert (agency.province_code, agency.province_number, agency.is_standard) == ("H53", 53, True)
    assert parse_agency_id("000.00.00.G22").province_code is None


def test_document_id_composed_form_round_trips() -> None:
    raw = compose_document_id("000.00.00.G22", "2015/09/30", "7816", "VPCP-TTĐT")
    assert raw == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    parsed = parse_document_id(raw)
    assert parsed is not None
    assert (parsed.organ_id, parsed.date, parsed.number, parsed.notation) == (
        "000.00.00.G22",
        "2015/09/30",
        "7816",
        "VPCP-TTĐT",
    )
    assert parsed.date_is_valid


def test_document_id_with_impossible_date_parses_but_flags_the_date() -> None:
    parsed = parse_document_id("000.00.00.G22,2014/02/30,7806/VPCP-TTĐT")
    assert parsed is not None and not parsed.date_is_valid


@pytest.mark.parametrize(
    "raw", ["9fbfbad2-f1f8-4256-a2eb-50fb1061cddb", "{9FBFBAD2-F1F8-4256-A2EB-50FB1061CDDB}"]
)
def test_guid_document_ids_are_accepted(raw: str) -> None:
    parsed = parse_document_id(raw)
    assert parsed is not None and parsed.is_guid


@pytest.mark.parametrize(
    "raw", ["", "7816/VPCP", "000.00.00.G22,2015-09-30,7816/VPCP", "000.00.00.G22,2015/09/30,7816"]
)
def test_malformed_document_ids_are_refused(raw: str) -> None:
    assert parse_document_id(raw) is None


def test_dates_parse_only_in_the_exact_format() -> None:
    assert parse_date("2018/09/28") == date(2018, 9, 28)
    trailing_newline, arabic_indic = (
        "2018/09/28\n",
        "\u0662\u0660\u0661\u0668/\u0660\u0669/\u0662\u0668",
    )
    for bad in ("2018/9/28", "2018-09-28", "2014/02/30", " 2018/09/28", "", trailing_newline,
                arabic_indic, "0000/01/01"):  # fmt: skip
        assert parse_date(bad) is None


def test_timestamps_parse_only_in_the_exact_format() -> None:
    assert parse_timestamp("2018/09/28 17:25:11") == datetime(2018, 9, 28, 17, 25, 11)
    for bad in ("2018/09/28", "2018/09/28T17:25:11", "2018/09/28 25:00:00", "2018/09/28 17:25",
                "2018/09/28 17:25:11\n", "2018/02/29 00:00:00", "2018/09/28 17:60:00"):  # fmt: skip
        assert parse_timestamp(bad) is None


def test_formatting_is_the_inverse_of_parsing() -> None:
    assert format_date(date(2024, 3, 1)) == "2024/03/01"
    assert format_timestamp(datetime(2024, 3, 1, 8, 5, 9)) == "2024/03/01 08:05:09"
