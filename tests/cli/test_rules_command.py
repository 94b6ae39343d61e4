"""`vatspilot rules` and `vatspilot rules diff`: what holds on a date, and what two dates changed."""

from __future__ import annotations

from click.testing import CliRunner

from vatspilot.cli.main import cli


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rules_in_force_before_notice_107_opened() -> None:
    code, stdout, _ = _run("rules", "--on", "2024-10-22")
    assert code == 0
    assert "cap:ftz-2021  [M]  2022-05-01.." in stdout
    assert "cap:notice-107" not in stdout
    assert "notice-107:beijing" not in stdout


def test_rules_in_chinese_carry_the_same_ids_and_citations() -> None:
    code, stdout, _ = _run("rules", "--on", "2025-06-01", "--lang", "zh")
    assert code == 0
    assert "依据：MIIT Communications Letter [2024] No. 107, item 2" in stdout
    assert "107号通告在{region}" not in stdout


def test_diff_between_the_channel_opening_and_the_comprehensive_pilot() -> None:
    code, stdout, _ = _run("rules", "diff", "2024-10-23", "2025-04-11")
    assert code == 0
    lines = [line for line in stdout.splitlines() if line and not line.startswith(" " * 10)]
    assert lines[0] == "Changes from 2024-10-23 to 2025-04-11: 24"
    assert " started  cap:comprehensive-pilot-2025" in lines
    assert " started  comprehensive-pilot:xian" in lines
    # The 2024 Negative List replaced the 2021 edition on 2024-11-01: same values, a new instrument.
    assert " changed  cap:national-default  (citation)" in lines
    assert " changed  cap:ip-vpn-not-opened  (citation)" in lines
    assert len([line for line in lines if line.startswith(" started")]) == 21


def test_diff_across_the_pilot_opening_shows_notice_107_starting() -> None:
    code, stdout, _ = _run("rules", "diff", "2024-10-22", "2024-10-23")
    assert code == 0
    assert stdout.splitlines()[0] == "Changes from 2024-10-22 to 2024-10-23: 7"
    for started in (
        "cap:notice-107",
        "notice-107:beijing",
        "notice-107:shanghai",
        "notice-107:hainan",
        "notice-107:shenzhen",
        "prohibition:notice-107-b25-content",
        "parameter:quarterly-report-due-days",
    ):
        assert f" started  {started}" in stdout


def test_a_bad_date_is_exit_2_with_one_line() -> None:
    code, stdout, stderr = _run("rules", "diff", "2024-13-01", "2025-01-01")
    assert (code, stdout, stderr) == (2, "", "DATE_A: '2024-13-01' is not a date (YYYY-MM-DD)\n")
