"""Every row of rulebook-spec.md is in the rulebook, with the spec's dates, places and values."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.policy.rules import CapTier
from vatspilot.rulebook.loader import default_rulebook

RULEBOOK = default_rulebook()
REGIONS = {r.id: r for r in RULEBOOK.regions}

# Section 3, transcribed: region id -> (prefixes, zones, from).
SPEC_REGIONS = {
    "notice-107:beijing": (("11",), (), date(2024, 10, 23)),
    "notice-107:shanghai": (("310115",), ("shanghai-lingang",), date(2024, 10, 23)),
    "notice-107:hainan": (("46",), (), date(2024, 10, 23)),
    "notice-107:shenzhen": (("4403",), (), date(2024, 10, 23)),
    "ftz": ((), ("ftz",), date(2022, 5, 1)),
    **{
        f"comprehensive-pilot:{city}": ((prefix,), (), date(2025, 4, 11))
        for city, prefix in {
            "beijing": "11", "tianjin": "12", "shanghai": "31", "hainan": "46", "chongqing": "50",
            "shenyang": "2101", "nanjing": "3201", "hangzhou": "3301", "wuhan": "4201", "guangzhou": "4401",
            "chengdu": "5101", "dalian": "2102", "ningbo": "3302", "xiamen": "3502", "qingdao": "3702",
            "shenzhen": "4403", "hefei": "3401", "fuzhou": "3501", "xian": "6101", "suzhou": "3205",
        }.items()
    },
}  # fmt: skip


@pytest.mark.parametrize("region_id", sorted(SPEC_REGIONS))
def test_each_region_of_section_3(region_id: str) -> None:
    prefixes, zones, start = SPEC_REGIONS[region_id]
    region = REGIONS[region_id]
    assert (region.prefixes, region.zones, region.meta.period.start, region.meta.period.end) == (
        prefixes,
        zones,
        start,
        None,
    )


def test_there_are_exactly_the_spec_regions() -> None:
    assert set(REGIONS) == set(SPEC_REGIONS)
    assert len([r for r in REGIONS if r.startswith("comprehensive-pilot:")]) == 20


def _grants(rule_id: str, on: date) -> set[tuple[str, str | None, float]]:
    rule = next(c for c in RULEBOOK.caps if c.meta.id == rule_id and c.meta.period.contains(on))
    return {(code, g.scope, g.cap) for g in rule.grants for code in g.codes}


ALL_CODES = ["B11", "B12", "B13", "B14", "B21", "B22", "B23", "B24"] + [f"B25-0{i}" for i in range(1, 6)] + ["B26"]

# Section 4, transcribed: rule -> (tier, where, from, grants).
SPEC_CAPS = {
    "cap:national-default": (CapTier.NATIONAL_DEFAULT, "everywhere", {(c, None, 50.0) for c in ALL_CODES}),
    "cap:national-exceptions": (
        CapTier.NATIONAL,
        "everywhere",
        {("B21", "e-commerce", 100.0), ("B22", None, 100.0), ("B23", None, 100.0), ("B24", None, 100.0)},
    ),
    "cap:ip-vpn-not-opened": (CapTier.NATIONAL, "everywhere", {("B13", None, 0.0)}),
    "cap:ftz-2021": (CapTier.OPENING, "ftz", {("B14", "end-user-access", 100.0), ("B13", None, 50.0)}),
    "cap:notice-107": (
        CapTier.OPENING,
        "notice-107:*",
        {(c, None, 100.0) for c in ("B11", "B12", "B14", "B21", "B25-01", "B25-05")},
    ),
    "cap:comprehensive-pilot-2025": (
        CapTier.OPENING,
        "comprehensive-pilot:*",
        {("B14", "end-user-access", 100.0), ("B25-01", "app-store", 100.0), ("B13", None, 50.0)},
    ),
}
SPEC_CAP_STARTS = {
    "cap:national-default": date(2022, 5, 1),
    "cap:national-exceptions": date(2022, 5, 1),
    "cap:ip-vpn-not-opened": date(2022, 5, 1),
    "cap:ftz-2021": date(2022, 5, 1),
    "cap:notice-107": date(2024, 10, 23),
    "cap:comprehensive-pilot-2025": date(2025, 4, 11),
}


@pytest.mark.parametrize("rule_id", sorted(SPEC_CAPS))
@pytest.mark.parametrize("on", [date(2022, 5, 1), date(2024, 10, 31), date(2024, 11, 1), date(2026, 11, 29)])
def test_each_cap_row_of_section_4_holds_from_its_date(rule_id: str, on: date) -> None:
    tier, where, grants = SPEC_CAPS[rule_id]
    versions = [c for c in RULEBOOK.caps if c.meta.id == rule_id and c.meta.period.contains(on)]
    if on < SPEC_CAP_STARTS[rule_id]:
        assert versions == []
        return
    assert len(versions) == 1
    assert (versions[0].tier, versions[0].where) == (tier, where)
    assert _grants(rule_id, on) == grants


def test_the_conditions_of_section_6() -> None:
    capital = next(c for c in RULEBOOK.conditions if c.meta.id == "condition:registered-capital")
    assert capital.minimum_by_area == {"provincial": 1_000_000.0, "cross-regional": 10_000_000.0}
    assert "Order No. 42), Art. 6(4)" in capital.meta.citation and "Art. 5" in capital.meta.citation
    dishonest = next(c for c in RULEBOOK.conditions if c.meta.id == "condition:dishonest-list")
    assert dishonest.meta.citation.endswith("Art. 6(6)")


def test_the_documents_of_section_7() -> None:
    documents = {d.meta.id: d for d in RULEBOOK.documents}
    assert documents["documents:order-42"].documents == (
        "business-licence",
        "articles-of-association",
        "business-plan",
        "service-quality-measures",
        "lawful-operation-undertaking",
    )
    pilot = documents["documents:pilot-checklist"]
    assert pilot.documents == (
        "ownership-structure-statement",
        "technical-solution",
        "data-security-measures",
        "network-topology-domestic",
        "network-topology-overseas",
        "contingency-plan",
    )
    assert pilot.assessments == ("security-assessment",)


@pytest.mark.parametrize(
    ("rule_id", "value", "confidence"),
    [
        ("parameter:review-period-days", 60, "C2"),
        ("parameter:review-period-unit", "working", "U"),
        ("parameter:review-clock-start", "acceptance", "U"),
        ("parameter:correction-notice-working-days", 5, "C2"),
        ("parameter:licence-validity-years", 5, "C2"),
        ("parameter:renewal-lead-days", 90, "C2"),
        ("parameter:change-filing-days", 30, "C2"),
        ("parameter:annual-report-window", {"start": "01-01", "end": "03-31"}, "C1"),
        ("parameter:quarterly-report-due-days", 15, "U"),
        ("parameter:remediation-days", {"critical": 15, "high": 30, "medium": 60, "low": 90}, "U"),
        ("parameter:incident-report-hours", {"cii": 1, "central-state-organ": 2, "other": 4}, "C1"),
        ("parameter:bad-record-listing-days", 30, "C1"),
    ],
)
def test_the_parameters_of_section_8(rule_id: str, value: object, confidence: str) -> None:
    assert RULEBOOK.parameter(rule_id, date(2026, 11, 29)) == value
    entry = next(p for p in RULEBOOK.parameters if p.meta.id == rule_id)
    assert entry.meta.confidence.value == confidence
