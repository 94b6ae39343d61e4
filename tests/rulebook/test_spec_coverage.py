"""Every row of rulebook-spec.md is in the rulebook, with the spec's dates, places and values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from vatspilot.domain.policy.rules import CapTier
from vatspilot.rulebook.loader import default_rulebook

RULEBOOK = default_rulebook()
REGIONS = {r.id: r for r in RULEBOOK.regions}

# Section 3, transcribed: region id -> (prefixes, zones, from, confidence).
SPEC_REGIONS = {
    "notice-107:beijing": (("11",), (), date(2024, 10, 23), "C2"),
    "notice-107:shanghai": (("310115",), ("shanghai-lingang",), date(2024, 10, 23), "C1"),
    "notice-107:hainan": (("46",), (), date(2024, 10, 23), "C1"),
    "notice-107:shenzhen": (("4403",), (), date(2024, 10, 23), "C1"),
    "hainan-ftp": (("46",), (), date(2022, 5, 1), "C2"),
    "ftz": ((), ("ftz", "shanghai-lingang"), date(2022, 5, 1), "M"),
    **{
        f"comprehensive-pilot:{city}": ((prefix,), (), date(2025, 4, 11), "M")
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
    prefixes, zones, start, confidence = SPEC_REGIONS[region_id]
    region = REGIONS[region_id]
    assert (
        region.prefixes,
        region.zones,
        region.meta.period.start,
        region.meta.period.end,
        region.meta.confidence.value,
    ) == (prefixes, zones, start, None, confidence)


def test_there_are_exactly_the_spec_regions() -> None:
    assert set(REGIONS) == set(SPEC_REGIONS)
    assert len([r for r in REGIONS if r.startswith("comprehensive-pilot:")]) == 20


def _grants(rule_id: str, on: date) -> set[tuple[str, str | None, Decimal]]:
    rule = next(c for c in RULEBOOK.caps if c.meta.id == rule_id and c.meta.period.contains(on))
    return {(code, g.scope, g.cap) for g in rule.grants for code in g.codes}


# The general cap names B21 (e-commerce too: the exception replaces it there, and the reader is told so),
# B22-B24 (likewise), every B25 sub-type and B26; never B11-B14, which were not opened at all.
DEFAULT_CODES = ["B21", "B22", "B23", "B24"] + [f"B25-0{i}" for i in range(1, 6)] + ["B26"]
D = Decimal

# Section 4, transcribed: rule -> (tier, where, grants, confidence).
SPEC_CAPS = {
    "cap:national-default": (CapTier.NATIONAL_DEFAULT, "everywhere", {(c, None, D(50)) for c in DEFAULT_CODES}, "C2"),
    "cap:national-exceptions": (
        CapTier.NATIONAL,
        "everywhere",
        {("B21", "e-commerce", D(100)), ("B22", None, D(100)), ("B23", None, D(100)), ("B24", None, D(100))},
        "C2",
    ),
    "cap:not-opened-wto": (CapTier.NATIONAL, "everywhere", {(c, None, D(0)) for c in ("B11", "B12", "B13", "B14")},
                           "M"),
    "cap:hainan-ftp": (CapTier.OPENING, "hainan-ftp", {("B21", None, D(100))}, "C2"),
    "cap:ftz-2021": (CapTier.OPENING, "ftz", {("B14", "end-user-access", D(100)), ("B13", None, D(50))}, "M"),
    "cap:notice-107": (
        CapTier.OPENING,
        "notice-107:*",
        {(c, None, D(100)) for c in ("B11", "B12", "B14", "B21", "B25-01", "B25-05")},
        "C1",
    ),
    "cap:comprehensive-pilot-2025": (
        CapTier.OPENING,
        "comprehensive-pilot:*",
        {("B14", "end-user-access", D(100)), ("B25-01", "app-store", D(100)), ("B13", None, D(50))},
        "M",
    ),
}  # fmt: skip
SPEC_CAP_STARTS = {
    "cap:national-default": date(2022, 5, 1),
    "cap:national-exceptions": date(2022, 5, 1),
    "cap:not-opened-wto": date(2022, 5, 1),
    "cap:hainan-ftp": date(2022, 5, 1),
    "cap:ftz-2021": date(2022, 5, 1),
    "cap:notice-107": date(2024, 10, 23),
    "cap:comprehensive-pilot-2025": date(2025, 4, 11),
}
# The national rows are split by Negative List edition (section 4): the citation names the edition.
NATIONAL_ROWS = ("cap:national-default", "cap:national-exceptions", "cap:not-opened-wto")


@pytest.mark.parametrize("rule_id", sorted(SPEC_CAPS))
@pytest.mark.parametrize("on", [date(2022, 5, 1), date(2024, 10, 31), date(2024, 11, 1), date(2026, 11, 29)])
def test_each_cap_row_of_section_4_holds_from_its_date(rule_id: str, on: date) -> None:
    tier, where, grants, confidence = SPEC_CAPS[rule_id]
    versions = [c for c in RULEBOOK.caps if c.meta.id == rule_id and c.meta.period.contains(on)]
    if on < SPEC_CAP_STARTS[rule_id]:
        assert versions == []
        return
    assert len(versions) == 1
    assert (versions[0].tier, versions[0].where, versions[0].meta.confidence.value) == (tier, where, confidence)
    assert _grants(rule_id, on) == grants
    if rule_id in NATIONAL_ROWS:
        edition = "2021 edition" if on <= date(2024, 10, 31) else "2024 edition"
        assert edition in versions[0].meta.citation.en
        assert edition.replace(" edition", "年版") in versions[0].meta.citation.zh


def test_the_conditions_of_section_6() -> None:
    capital = next(c for c in RULEBOOK.conditions if c.meta.id == "condition:registered-capital")
    assert capital.minimum_by_area == {"provincial": D(1_000_000), "cross-regional": D(10_000_000)}
    assert "Order No. 42), Art. 6(4)" in capital.meta.citation.en and "Art. 5" in capital.meta.citation.en
    assert "第六条第（四）项" in capital.meta.citation.zh and "第五条" in capital.meta.citation.zh
    dishonest = next(c for c in RULEBOOK.conditions if c.meta.id == "condition:dishonest-list")
    assert dishonest.meta.citation.en.endswith("Art. 6(6)")
    assert dishonest.meta.citation.zh.endswith("第六条第（六）项")


def test_the_documents_of_section_7() -> None:
    documents = {d.meta.id: d for d in RULEBOOK.documents}
    order42 = documents["documents:order-42"]
    assert (order42.trigger.value, order42.meta.confidence.value) == ("any-eligible", "C2")
    assert order42.documents == (
        "business-licence",
        "articles-of-association",
        "ownership-structure-statement",
        "business-plan",
        "technical-solution",
        "service-quality-measures",
        "data-security-measures",
        "lawful-operation-undertaking",
    )
    pilot = documents["documents:pilot-additions"]
    assert (pilot.trigger.value, pilot.openings, pilot.meta.confidence.value) == (
        "opening",
        ("notice-107", "comprehensive-pilot"),
        "U",
    )
    assert pilot.documents == ("network-topology-domestic", "network-topology-overseas", "contingency-plan")
    assert pilot.assessments == ("security-assessment",)


def test_the_content_rules_of_section_5() -> None:
    rules = {(p.meta.id, p.meta.period.start): p for p in RULEBOOK.prohibitions}
    for start in (date(2022, 5, 1), date(2024, 11, 1)):
        prohibited = rules[("prohibition:negative-list-content", start)]
        assert (prohibited.effect.value, prohibited.codes, prohibited.where) == ("prohibits", (), "everywhere")
        assert prohibited.contents == (
            "news",
            "online-publishing",
            "audio-visual",
            "internet-culture",
            "public-information-publishing",
        )
    excluded = rules[("prohibition:notice-107-b25-content", date(2024, 10, 23))]
    assert (excluded.effect.value, excluded.opening, excluded.codes, excluded.where) == (
        "excludes-opening",
        "notice-107",
        ("B25-01",),
        "notice-107:*",
    )
    assert "music" in excluded.contents


def test_the_notes_of_sections_3_4_and_7() -> None:
    notes = {n.meta.id: n for n in RULEBOOK.notes}
    channel = notes["note:notice-107-channel"]
    assert (channel.meta.period.start, channel.meta.period.end, channel.opens_on, channel.opening) == (
        date(2024, 4, 8),
        date(2024, 10, 22),
        date(2024, 10, 23),
        "notice-107",
    )
    cepa = notes["note:cepa-hk-mo"]
    assert (cepa.jurisdictions, cepa.meta.confidence.value, cepa.meta.period.start) == (
        ("HK", "MO"),
        "U",
        date(2022, 5, 1),
    )
    assert notes["condition:licence-area-narrowed"].kind.value == "licence-area-narrowed"


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
        ("parameter:comprehensive-pilot-start", date(2025, 4, 11), "M"),
    ],
)
def test_the_parameters_of_section_9(rule_id: str, value: object, confidence: str) -> None:
    assert RULEBOOK.parameter(rule_id, date(2026, 11, 29)) == value
    entry = next(p for p in RULEBOOK.parameters if p.meta.id == rule_id)
    assert entry.meta.confidence.value == confidence
