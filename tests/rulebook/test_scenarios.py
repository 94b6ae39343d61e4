"""What-if scenarios replace or add rulebook entries; the version says which scenario was used."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.policy.profile import Holder, Profile, ServiceArea, ServiceRequest
from vatspilot.rulebook.errors import RulebookError
from vatspilot.rulebook.loader import default_rulebook, load_rulebook

SCENARIOS = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def _profile(division_code: str, code: str, share: int = 100) -> Profile:
    holders = [Holder("Foreign Co", "US", Decimal(share))]
    if share < 100:
        holders.append(Holder("Domestic Co", "CN", Decimal(100 - share)))
    return Profile(
        name="Example",
        division_code=division_code,
        zones=frozenset(),
        registered_capital_cny=Decimal(10_000_000),
        shareholders=tuple(holders),
        services=(ServiceRequest(code),),
        service_area=ServiceArea("provincial"),
    )


def test_the_article_reading_extends_notice_107_to_the_nine_cities() -> None:
    rulebook = load_rulebook(scenario=SCENARIOS / "article-nine-cities.yaml")
    assert rulebook.version.startswith(default_rulebook().version + "+scenario.article-nine-cities.")
    on = date(2025, 4, 11)
    ningbo_idc = _profile("330212", "B11")
    base = evaluate(ningbo_idc, on=on, lang="en", rulebook=default_rulebook())
    what_if = evaluate(ningbo_idc, on=on, lang="en", rulebook=rulebook)
    assert base.services[0].eligible is False
    assert what_if.services[0].eligible is True
    assert what_if.services[0].route is not None and what_if.services[0].route.value == "pilot"
    assert what_if.regions == ("comprehensive-pilot:ningbo", "notice-107:ningbo")
    assert what_if.services[0].opening == "notice-107"
    assert what_if.licence is not None and [a.area for a in what_if.licence.areas] == ["Ningbo"]


def test_the_article_reading_starts_on_2025_04_11_not_before() -> None:
    rulebook = load_rulebook(scenario=SCENARIOS / "article-nine-cities.yaml")
    before = evaluate(_profile("330212", "B11"), on=date(2025, 4, 10), lang="en", rulebook=rulebook)
    assert before.services[0].eligible is False


def test_lifting_the_national_cap_opens_protocol_conversion_everywhere_from_2026() -> None:
    rulebook = load_rulebook(scenario=SCENARIOS / "national-cap-lifted.yaml")
    chengdu = _profile("510104", "B26", share=80)
    assert evaluate(chengdu, on=date(2025, 12, 31), lang="en", rulebook=rulebook).services[0].eligible is False
    after = evaluate(chengdu, on=date(2026, 1, 1), lang="en", rulebook=rulebook).services[0]
    assert (after.eligible, after.route and after.route.value, after.max_foreign_share) == (True, "national", 100)


def test_lifting_the_national_cap_leaves_the_services_never_opened_closed() -> None:
    rulebook = load_rulebook(scenario=SCENARIOS / "national-cap-lifted.yaml")
    after = evaluate(_profile("510104", "B11", share=80), on=date(2026, 1, 1), lang="en", rulebook=rulebook)
    assert (after.services[0].eligible, after.services[0].max_foreign_share) == (False, 0)


def test_a_scenario_cannot_remove_an_unknown_rule(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("scenario: bad\nremove: ['cap:nonexistent']\n", encoding="utf-8")
    with pytest.raises(RulebookError, match=r"'remove' names unknown id\(s\): cap:nonexistent"):
        load_rulebook(scenario=path)


def test_a_scenario_that_overlaps_a_rule_fails_like_the_rulebook_would(tmp_path: Path) -> None:
    path = tmp_path / "overlap.yaml"
    path.write_text(
        "scenario: overlap\nentries:\n  regions:\n"
        "    - {id: ftz, zones: [ftz], citation: {en: x, zh: y}, from: 2022-05-01, confidence: U,"
        " name: {en: a, zh: b}, licence_area: {en: a, zh: b}}\n"
        "    - {id: ftz, zones: [ftz], citation: {en: x, zh: y}, from: 2023-05-01, confidence: U,"
        " name: {en: a, zh: b}, licence_area: {en: a, zh: b}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RulebookError, match=r"regions\.yaml: entry ftz: periods overlap"):
        load_rulebook(scenario=path)


def test_removing_the_closed_services_rule_leaves_them_without_a_national_cap(tmp_path: Path) -> None:
    path = tmp_path / "closed.yaml"
    path.write_text("scenario: closed\nremove: ['cap:not-opened-wto']\n", encoding="utf-8")
    with pytest.raises(RulebookError, match=r"caps\.yaml: no national cap for B11 from 2022-05-01"):
        load_rulebook(scenario=path)
