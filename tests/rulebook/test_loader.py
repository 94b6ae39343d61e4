"""The rulebook refuses to load when an entry lacks a citation or overlaps its own periods."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from vatspilot.rulebook.errors import RulebookError
from vatspilot.rulebook.loader import default_data_dir, default_rulebook, load_rulebook


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_rulebook_loads_with_a_version_and_a_digest() -> None:
    rulebook = default_rulebook()
    declared, digest = rulebook.version.split("+")
    assert declared == "2026.12.02"
    assert len(digest) == 12
    assert rulebook.start == date(2022, 5, 1)


def test_every_entry_carries_a_citation_a_start_and_a_confidence_code() -> None:
    for entry in default_rulebook().entries():
        assert entry.meta.citation.en.strip() and entry.meta.citation.zh.strip()
        assert entry.meta.period.start >= date(2016, 3, 1)
        assert entry.meta.confidence.value in {"C1", "C2", "M", "U"}


def test_a_missing_citation_is_refused_naming_the_file_and_entry(data_dir: Path) -> None:
    _edit(
        data_dir / "caps.yaml",
        '    citation:\n      en: "MIIT Communications Letter [2024] No. 107, item 2"\n'
        '      zh: "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》'
        '（工信部通信函〔2024〕107号）第二条"\n',
        "",
    )
    with pytest.raises(RulebookError) as caught:
        load_rulebook(data_dir)
    assert str(caught.value) == "caps.yaml: entry cap:notice-107: has no citation: it needs an 'en' and a 'zh' text"


def test_a_citation_in_one_language_only_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "caps.yaml", '      en: "MIIT Communications Letter [2024] No. 107, item 2"\n', "")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(data_dir)
    assert str(caught.value) == "caps.yaml: entry cap:notice-107: 'citation' needs both an 'en' and a 'zh' text"


def test_overlapping_periods_of_one_rule_are_refused(data_dir: Path) -> None:
    _edit(data_dir / "caps.yaml", "nl2024: &nl2024\n  from: 2024-11-01\n", "nl2024: &nl2024\n  from: 2024-10-01\n")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(data_dir)
    assert str(caught.value) == (
        "caps.yaml: entry cap:national-default: periods overlap: 2022-05-01..2024-10-31 and 2024-10-01.."
    )


def test_a_gap_in_the_national_default_cap_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "caps.yaml", "nl2024: &nl2024\n  from: 2024-11-01\n", "nl2024: &nl2024\n  from: 2024-11-02\n")
    with pytest.raises(RulebookError, match="no national cap for B11 from 2024-11-01"):
        load_rulebook(data_dir)


def test_a_cap_naming_an_unknown_region_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "caps.yaml", 'where: "notice-107:*"', 'where: "notice-108:*"')
    with pytest.raises(RulebookError, match=r"caps.yaml: entry cap:notice-107: 'where' names no region"):
        load_rulebook(data_dir)


def test_an_entry_ending_before_it_starts_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "caps.yaml", "  to: 2024-10-31\n", "  to: 2021-10-31\n")
    with pytest.raises(RulebookError, match="ends \\(2021-10-31\\) before it starts \\(2022-05-01\\)"):
        load_rulebook(data_dir)


def test_a_document_outside_the_decision_contract_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "documents.yaml", "contingency-plan]", "contingency-plan, horoscope]")
    with pytest.raises(RulebookError, match="documents:pilot-additions: not in the decision contract: horoscope"):
        load_rulebook(data_dir)


def test_a_rule_text_needs_both_languages(data_dir: Path) -> None:
    _edit(data_dir / "prohibitions.yaml", ', zh: "禁止外商投资{content}：承载该内容的业务不得有外资。"', "")
    with pytest.raises(RulebookError, match="prohibition:negative-list-content: 'message' needs both"):
        load_rulebook(data_dir)


def test_an_unknown_field_is_refused_so_a_typo_never_changes_a_rule(data_dir: Path) -> None:
    _edit(data_dir / "conditions.yaml", "    kind: dishonest-list\n", "    kind: dishonest-list\n    minimun: 3\n")
    with pytest.raises(RulebookError, match="condition:dishonest-list: unknown field\\(s\\): minimun"):
        load_rulebook(data_dir)


def test_a_setting_date_names_an_existing_parameter(data_dir: Path) -> None:
    _edit(data_dir / "caps.yaml", '"@parameter:comprehensive-pilot-start"', '"@parameter:comprehensive-pilot-begin"')
    with pytest.raises(RulebookError) as caught:
        load_rulebook(data_dir)
    assert str(caught.value) == (
        "caps.yaml: entry cap:comprehensive-pilot-2025: 'from' names no parameter parameter:comprehensive-pilot-begin"
    )


def test_the_comprehensive_pilot_starts_on_its_setting(data_dir: Path) -> None:
    _edit(data_dir / "parameters.yaml", "    value: 2025-04-11\n", "    value: 2025-06-01\n")
    rulebook = load_rulebook(data_dir)
    starts = {r.meta.period.start for r in rulebook.regions if r.id.startswith("comprehensive-pilot:")}
    cap = next(c for c in rulebook.caps if c.meta.id == "cap:comprehensive-pilot-2025")
    assert starts == {date(2025, 6, 1)}
    assert cap.meta.period.start == date(2025, 6, 1)


def test_an_excluding_entry_names_the_opening_it_excludes(data_dir: Path) -> None:
    _edit(data_dir / "prohibitions.yaml", "    opening: notice-107\n", "")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(data_dir)
    assert str(caught.value) == (
        "prohibitions.yaml: entry prohibition:notice-107-b25-content: "
        "'opening' names the measure an 'excludes-opening' entry excludes, and only then"
    )


def test_the_known_gaps_are_listed_not_applied() -> None:
    gaps = default_rulebook().gaps
    assert [g.id for g in gaps] == [
        "gap:beijing-demonstration-zone-2021",
        "gap:hainan-idc-cdn-reach",
        "gap:ftz-app-stores",
    ]
    assert [g.confidence for g in gaps] == ["M", "U", "U"]
    rule_ids = {e.meta.id for e in default_rulebook().entries()}
    assert not rule_ids.intersection(g.id for g in gaps)
