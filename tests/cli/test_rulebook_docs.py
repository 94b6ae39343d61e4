"""docs/rulebook.md is generated from the rulebook: it lists every entry with its citation in both
languages, its period and confidence, and the known gaps; the file in the repository is the generator's
output, byte for byte (regenerate: `.venv/bin/python -m vatspilot.cli.rulebook_docs > docs/rulebook.md`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vatspilot.cli.rulebook_docs import render
from vatspilot.rulebook.loader import default_rulebook

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rulebook.md"


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(heading)
    end = lines.index("", start + 2)
    return lines[start:end]


def test_the_committed_page_is_the_generated_one() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(default_rulebook()), (
        "docs/rulebook.md is stale: run `.venv/bin/python -m vatspilot.cli.rulebook_docs > docs/rulebook.md`"
    )


def test_the_module_prints_the_page() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vatspilot.cli.rulebook_docs"], capture_output=True, text=True, encoding="utf-8"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == render(default_rulebook())


def test_an_entry_in_two_editions_is_listed_twice_with_both_citations() -> None:
    text = render(default_rulebook())

    assert _section(text, "### `prohibition:negative-list-content`, 2022-05-01 to 2024-10-31")[2:6] == [
        "- Confidence: C2",
        "- Holds: prohibits content news, online-publishing, audio-visual, internet-culture, "
        "public-information-publishing: foreign share 0 (codes: every code; where: everywhere)",
        "- Citation: Special Administrative Measures for Foreign Investment Access (Negative List, 2021 edition), "
        "prohibited item: internet news information, online publishing, online audio-visual programmes, internet "
        "culture business (except music), internet public information publishing services",
        "- 依据: 《外商投资准入特别管理措施（负面清单）（2021年版）》禁止投资条目：互联网新闻信息服务、网络出版服务、"
        "网络视听节目服务、互联网文化经营（音乐除外）、互联网公众发布信息服务",
    ]
    assert "### `prohibition:negative-list-content`, from 2024-11-01" in text.splitlines()


def test_the_u_graded_pilot_checklist_and_the_known_gaps_are_listed() -> None:
    text = render(default_rulebook())

    assert _section(text, "### `documents:pilot-additions`, from 2024-10-23")[2] == "- Confidence: U"
    assert _section(text, "### `gap:hainan-idc-cdn-reach`") == [
        "### `gap:hainan-idc-cdn-reach`",
        "",
        "- Confidence: U",
        "- Reported: Hainan Free Trade Port: enterprises registered with their facilities in Hainan reportedly "
        "may offer IDC and CDN across the port and abroad; the terms are unverified.",
        "- 内容: 海南自由贸易港：据报道在海南注册且设施在海南的企业可面向自由贸易港全域及境外提供互联网数据中心和"
        "内容分发网络业务；具体条件待核实。",
        "- Source: Hainan FTP special negative list (2020 edition), as reported (legal-facts 4)",
        "- 来源: 《海南自由贸易港外商投资准入特别管理措施（负面清单）（2020年版）》相关报道（legal-facts 4）",
    ]


def test_every_entry_of_the_rulebook_has_its_heading() -> None:
    rulebook = default_rulebook()
    lines = render(rulebook).splitlines()
    headings = [line for line in lines if line.startswith("### `")]
    assert len(headings) == len(rulebook.entries()) + len(rulebook.gaps)
    for entry in rulebook.entries():
        assert f"- 依据: {entry.meta.citation.zh}" in lines
        assert f"- Citation: {entry.meta.citation.en}" in lines
