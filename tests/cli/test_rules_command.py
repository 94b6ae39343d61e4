"""`vatspilot rules` and `vatspilot rules diff`: what holds on a date (each entry with its confidence code,
period and citation in the language asked for, then the known gaps), and what two dates changed."""

from __future__ import annotations

from click.testing import CliRunner

from vatspilot.cli.main import cli


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _entry(stdout: str, heading: str) -> list[str]:
    """The heading line of one entry and its two indented lines."""
    lines = stdout.splitlines()
    start = lines.index(heading)
    return lines[start : start + 3]


def test_rules_in_force_before_notice_107_opened() -> None:
    code, stdout, _ = _run("rules", "--on", "2024-10-22")
    assert code == 0
    assert "cap:ftz-2021  [M]  2022-05-01.." in stdout
    assert "cap:notice-107" not in stdout
    assert "notice-107:beijing" not in stdout
    # Notice 107 was issued, its channel not yet open: the note holds on this last day only
    assert _entry(stdout, "note:notice-107-channel  [C2]  2024-04-08..2024-10-22") == [
        "note:notice-107-channel  [C2]  2024-04-08..2024-10-22",
        "    informs: notice-107 issued, its application channel opens on 2024-10-23",
        "    Basis: MIIT Communications Letter [2024] No. 107 (dated 2024-04-08); MIIT approval of the regional "
        "plans and opening of the application channel, 2024-10-23",
    ]


def test_rules_show_prohibitions_with_their_effect_and_documents_with_their_openings() -> None:
    code, stdout, _ = _run("rules", "--on", "2025-06-01")
    assert code == 0
    assert _entry(stdout, "prohibition:notice-107-b25-content  [C1]  2024-10-23..")[1] == (
        "    excludes-opening notice-107 for content news, online-publishing, audio-visual, internet-culture, "
        "music (codes: B25-01; where: notice-107:*)"
    )
    assert _entry(stdout, "prohibition:negative-list-content  [C2]  2024-11-01..")[1] == (
        "    prohibits content news, online-publishing, audio-visual, internet-culture, "
        "public-information-publishing: foreign share 0 (codes: every code; where: everywhere)"
    )
    assert _entry(stdout, "documents:pilot-additions  [U]  2024-10-23..")[1] == (
        "    for a service opened by notice-107, comprehensive-pilot: documents network-topology-domestic, "
        "network-topology-overseas, contingency-plan; assessments security-assessment"
    )
    assert _entry(stdout, "condition:registered-capital  [M]  2022-05-01..")[1] == (
        "    minimum registered capital: provincial RMB 1,000,000; cross-regional RMB 10,000,000"
    )
    assert _entry(stdout, "note:cepa-hk-mo  [U]  2022-05-01..")[1] == (
        "    informs: holders from HK, MO may have a CEPA route the rulebook does not encode"
    )
    assert "note:notice-107-channel" not in stdout  # ended 2024-10-22


def test_rules_list_the_known_gaps_at_the_end() -> None:
    code, stdout, _ = _run("rules", "--on", "2025-06-01")
    assert code == 0
    lines = stdout.splitlines()
    start = lines.index("Known gaps (reported by one source, listed and never applied):")
    assert lines[start - 1] == ""
    assert [line for line in lines[start + 1 :] if not line.startswith("    ")] == [
        "gap:beijing-demonstration-zone-2021  [M]",
        "gap:hainan-idc-cdn-reach  [U]",
        "gap:ftz-app-stores  [U]",
    ]
    assert lines[-1] == (
        "    Source: Shanghai FTZ VATS pilot measures 2014 (MIIT [2014] No. 130), superseded (legal-facts 4)"
    )


def test_rules_in_chinese_give_the_chinese_citation() -> None:
    code, stdout, _ = _run("rules", "--on", "2025-06-01", "--lang", "zh")
    assert code == 0
    assert _entry(stdout, "cap:notice-107  [C1]  2024-10-23..") == [
        "cap:notice-107  [C1]  2024-10-23..",
        "    B11/B12/B14/B21/B25-01/B25-05 <= 100% (notice-107:*)",
        "    依据：《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）第二条",
    ]
    assert "MIIT Communications Letter" not in stdout
    assert "107号通告在{region}" not in stdout
    assert "已知缺口（仅有单一来源报道，仅列出，不适用）：" in stdout
    assert "    来源：上海自贸试验区增值电信业务试点措施（工信部通〔2014〕130号），已失效（legal-facts 4）" in stdout


def test_diff_between_the_channel_opening_and_the_comprehensive_pilot() -> None:
    code, stdout, _ = _run("rules", "diff", "2024-10-23", "2025-04-11")
    assert code == 0
    lines = [line for line in stdout.splitlines() if line and not line.startswith(" " * 10)]
    assert lines[0] == "Changes from 2024-10-23 to 2025-04-11: 25"
    assert " started  cap:comprehensive-pilot-2025  [M]  2025-04-11.." in lines
    assert " started  comprehensive-pilot:xian  [M]  2025-04-11.." in lines
    # The 2024 Negative List replaced the 2021 edition on 2024-11-01: same values, a new instrument.
    assert [line for line in lines if line.startswith(" changed")] == [
        " changed  cap:national-default  [C2]  2024-11-01..  (citation)",
        " changed  cap:national-exceptions  [C2]  2024-11-01..  (citation)",
        " changed  cap:not-opened-wto  [M]  2024-11-01..  (citation)",
        " changed  prohibition:negative-list-content  [C2]  2024-11-01..  (citation)",
    ]
    assert len([line for line in lines if line.startswith(" started")]) == 21


def test_diff_across_the_pilot_opening_shows_notice_107_starting_and_the_channel_note_ending() -> None:
    code, stdout, _ = _run("rules", "diff", "2024-10-22", "2024-10-23")
    assert code == 0
    lines = [line for line in stdout.splitlines() if not line.startswith(" " * 10)]
    assert lines == [
        "Changes from 2024-10-22 to 2024-10-23: 9",
        "   ended  note:notice-107-channel  [C2]  2024-04-08..2024-10-22",
        " started  cap:notice-107  [C1]  2024-10-23..",
        " started  documents:pilot-additions  [U]  2024-10-23..",
        " started  notice-107:beijing  [C2]  2024-10-23..",
        " started  notice-107:hainan  [C1]  2024-10-23..",
        " started  notice-107:shanghai  [C1]  2024-10-23..",
        " started  notice-107:shenzhen  [C1]  2024-10-23..",
        " started  parameter:quarterly-report-due-days  [U]  2024-10-23..",
        " started  prohibition:notice-107-b25-content  [C1]  2024-10-23..",
    ]


def test_diff_in_chinese_after_the_subcommand() -> None:
    code, stdout, _ = _run("rules", "diff", "2024-04-07", "2024-04-08", "--lang", "zh")
    assert code == 0
    assert stdout.splitlines() == [
        "2024-04-07 至 2024-04-08 的变化：1 项",
        "      新增  note:notice-107-channel  [C2]  2024-04-08..2024-10-22",
        "          提示：notice-107 已发布，申请渠道自 2024-10-23 起开通",
        "          依据：《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号，"
        "2024年4月8日）；2024年10月23日工业和信息化部批复各地试点方案并开通申请渠道",
    ]


def test_a_bad_date_is_exit_2_with_one_line() -> None:
    code, stdout, stderr = _run("rules", "diff", "2024-13-01", "2025-01-01")
    assert (code, stdout, stderr) == (2, "", "DATE_A: '2024-13-01' is not a date (YYYY-MM-DD)\n")
