"""The vectorised screening and the single-profile engine give the same answer on every row.

Profiles are random, drawn towards the places, services, contents, shares and capitals where the rules
change their answer; dates are drawn from both sides of every rule boundary in the rulebook. The flat
table is given the exact (unrounded) look-through share as text, so the screening's half-up rounding to
two decimals is compared with the engine's too.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vatspilot.analytics import screening
from vatspilot.analytics.flat_input import COLUMNS, validate_flat
from vatspilot.analytics.screening import screen
from vatspilot.domain.policy.determination import Effect, ServiceOutcome
from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.policy.profile import Holder, Profile, ServiceArea, ServiceRequest
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.rulebook.loader import default_rulebook, load_rulebook

RULEBOOK = default_rulebook()
ROOT = Path(__file__).resolve().parents[2]
# The shipped rulebook, and scenarios over it: the screening must follow whatever the rule data say.
SCENARIOS = [
    ROOT / "examples/scenarios/article-nine-cities.yaml",
    ROOT / "examples/scenarios/national-cap-lifted.yaml",
    Path(__file__).with_name("what-if-ties.yaml"),
]
RULEBOOKS = [RULEBOOK, *(load_rulebook(scenario=path) for path in SCENARIOS)]
PILOT_START = RULEBOOK.parameter("parameter:comprehensive-pilot-start", RULEBOOK.start)

# Every region of the rulebook, the places next to them, and places in no region at all.
BEIJING = ["110105", "110000"]
PUDONG = ["310115"]
SHANGHAI_ELSEWHERE = ["310104"]
HAINAN = ["460100", "469001"]
SHENZHEN = ["440305", "440300"]
COMPREHENSIVE_PILOT_CITIES = [
    "120101", "500101", "210102", "320102", "330106", "420102", "440106", "510104", "210202", "330212",
    "350203", "370212", "340102", "350102", "610113", "320506",
]  # fmt: skip
NO_REGION = ["441900", "130102", "650102", "330502", "810000"]
PLACES = BEIJING + PUDONG + SHANGHAI_ELSEWHERE + HAINAN + SHENZHEN + COMPREHENSIVE_PILOT_CITIES + NO_REGION
PROVINCES = ["110000", "310000", "440000", "460000", "130000"]


def boundaries(rulebook: Rulebook) -> list[date]:
    days = {rulebook.start}
    for entry in rulebook.entries():
        period = entry.meta.period
        for day in (period.start, period.end):
            if day is not None:
                days.update({day - timedelta(days=1), day, day + timedelta(days=1)})
    return sorted(d for d in days if d >= rulebook.start)


DATES = boundaries(RULEBOOK)
SCOPES = {s.code: s.scopes for s in RULEBOOK.services}
CONTENTS = ["news", "online-publishing", "audio-visual", "internet-culture", "music", "public-information-publishing"]
CAPITALS = ["0", "999999.99", "1000000", "9999999.99", "10000000", "50000000"]
# Foreign shares at and around every cap (0, 50, 100), and ones that need rounding.
SHARES = ["0", "0.01", "49.99", "50", "50.01", "50.004", "50.005", "49.995", "99.99", "99.995", "100"]
HUNDRED = Decimal(100)


@st.composite
def holder_tree(draw: st.DrawFn, depth: int = 0) -> tuple[Holder, ...]:
    """Random holdings in hundredths of a percent, looked through up to three levels."""
    count = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=count - 1, max_size=count - 1, unique=True)))
    percents = [Decimal(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 10000], strict=True)]
    result = []
    for i, percent in enumerate(percents):
        jurisdiction = draw(st.sampled_from(["CN", "CN", "CN", "US", "HK", "MO", "TW", "DE"]))
        children = None
        if jurisdiction == "CN" and depth < 2 and draw(st.booleans()):
            children = draw(holder_tree(depth + 1))
        invested = children is not None and draw(st.booleans())
        result.append(Holder(f"holder {depth}.{i}", jurisdiction, percent, children, invested))
    return tuple(result)


@st.composite
def holders_at(draw: st.DrawFn) -> tuple[Holder, ...]:
    """A foreign holder with one of the interesting shares, the rest domestic or looked through."""
    share = Decimal(draw(st.sampled_from(SHARES)))
    foreign = draw(st.sampled_from(["US", "HK", "MO", "TW"]))
    if share == 0:
        return (Holder("domestic", "CN", HUNDRED),)
    if share == HUNDRED:
        return (Holder("foreign", foreign, HUNDRED),)
    if draw(st.booleans()):
        return (Holder("foreign", foreign, share), Holder("domestic", "CN", HUNDRED - share))
    # The same share reached through a foreign-invested domestic parent, which must be looked through.
    inner = (Holder("foreign", foreign, share), Holder("domestic", "CN", HUNDRED - share))
    return (Holder("parent", "CN", HUNDRED, inner, True),)


@st.composite
def services(draw: st.DrawFn) -> ServiceRequest:
    if draw(st.integers(0, 5)) == 0:
        code = "B25-01"
        scope = draw(st.sampled_from([None, "app-store"]))
    else:
        code = draw(st.sampled_from(sorted(SCOPES)))
        scope = draw(st.sampled_from([None, *SCOPES[code]]))
    content = tuple(draw(st.lists(st.sampled_from(CONTENTS), max_size=2, unique=True))) if draw(st.booleans()) else ()
    return ServiceRequest(code, scope, content)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    kind = draw(st.sampled_from(["provincial", "cross-regional"]))
    provinces: tuple[str, ...] = ()
    if kind == "cross-regional" and draw(st.booleans()):
        provinces = tuple(draw(st.lists(st.sampled_from(PROVINCES), min_size=1, max_size=3, unique=True)))
    return Profile(
        name="random",
        division_code=draw(st.sampled_from(PLACES)),
        zones=frozenset(draw(st.lists(st.sampled_from(["shanghai-lingang", "ftz"]), unique=True))),
        registered_capital_cny=Decimal(draw(st.sampled_from(CAPITALS))),
        shareholders=draw(st.one_of(holders_at(), holder_tree())),
        services=tuple(draw(st.lists(services(), min_size=1, max_size=4))),
        service_area=ServiceArea(kind, provinces),
        dishonest_list=draw(st.integers(0, 9)) == 0,
    )


def exact_share(holders: tuple[Holder, ...]) -> Decimal:
    """The look-through share before rounding (rulebook-spec section 2), computed here on its own."""
    total = Decimal(0)
    for h in holders:
        if h.jurisdiction != "CN":
            total += h.percent
        elif h.shareholders is not None:
            total += h.percent * exact_share(h.shareholders) / HUNDRED
    return total


def flatten(batch: list[Profile]) -> pl.DataFrame:
    """The batch as a flat table, its share as the unrounded text a spreadsheet would carry."""
    rows: dict[str, list[object]] = {name: [] for name in COLUMNS}
    for number, p in enumerate(batch):
        for s in p.services:
            values = {
                "profile_id": str(number),
                "division_code": p.division_code,
                "zones": ";".join(sorted(p.zones)),
                "registered_capital_cny": float(p.registered_capital_cny),
                "foreign_share": format(exact_share(p.shareholders), "f"),
                "service_area": p.service_area.kind,
                "service_provinces": ";".join(p.service_area.provinces) or None,
                "dishonest_list": p.dishonest_list,
                "code": s.code,
                "scope": s.scope,
                "content": ";".join(s.content) or None,
            }
            for name, value in values.items():
                rows[name].append(value)
    return pl.DataFrame(rows, schema={**COLUMNS, "foreign_share": pl.String})


def deciding_rule(service: ServiceOutcome) -> str:
    """The engine's deciding rule for a service: the first of its own reasons (conditions aside) that
    allows or blocks the share; for a domestic enterprise carrying prohibited content, which no rule
    blocks, the prohibition that set its maximum share to 0."""
    own = [r for r in service.reasons if not r.rule.startswith("condition:")]
    decisive = [r.rule for r in own if r.effect in (Effect.ALLOWS, Effect.BLOCKS)]
    return decisive[0] if decisive else next(r.rule for r in own if r.rule.startswith("prohibition:"))


def screened_rows(batch: list[Profile], on: date, rulebook: Rulebook = RULEBOOK) -> list[dict[str, object]]:
    frame = validate_flat(flatten(batch), rulebook, "generated")
    return list(screen(frame, rulebook, on).iter_rows(named=True))


def engine_rows(batch: list[Profile], on: date, rulebook: Rulebook = RULEBOOK) -> list[dict[str, object]]:
    rows = []
    for number, profile in enumerate(batch):
        determination = evaluate(profile, on=on, lang="en", rulebook=rulebook)
        for service in determination.services:
            rows.append(
                {
                    "profile_id": str(number),
                    "code": service.code,
                    "scope": service.scope,
                    "foreign_share": determination.foreign_share,
                    "regions": ";".join(determination.regions),
                    "outcome": "eligible" if service.eligible else "ineligible",
                    "route": service.route.value if service.route else None,
                    "opening": service.opening,
                    "area": service.area,
                    "max_foreign_share": service.max_foreign_share,
                    "deciding_rule": deciding_rule(service),
                    "profile_outcome": determination.outcome,
                }
            )
    return rows


# The shipped rulebook half the time; a date either side of one of its boundaries.
RULES_AND_DATES = st.sampled_from([RULEBOOK, *RULEBOOKS]).flatmap(
    lambda rulebook: st.tuples(st.just(rulebook), st.sampled_from(boundaries(rulebook)))
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(profiles(), min_size=1, max_size=8), rules_on=RULES_AND_DATES)
def test_screening_equals_the_engine_on_every_row(batch: list[Profile], rules_on: tuple[Rulebook, date]) -> None:
    rulebook, on = rules_on
    expected = engine_rows(batch, on, rulebook)
    got = screened_rows(batch, on, rulebook)
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert {k: row[k] for k in want} == want


def test_the_dates_straddle_every_boundary() -> None:
    for day in (
        date(2022, 5, 1),  # the rulebook's start (the FITE Provisions 2022, the Hainan FTP and FTZ lists)
        date(2024, 4, 8),  # Notice 107 issued: its channel note starts
        date(2024, 10, 22),  # the note's last day
        date(2024, 10, 23),  # Notice 107's regions take applications
        date(2024, 10, 31),  # the 2021 Negative List's last day
        date(2024, 11, 1),  # the 2024 Negative List
        PILOT_START,  # the comprehensive pilot's telecom measures (a setting)
    ):
        assert {day - timedelta(days=1), day, day + timedelta(days=1)} - {date(2022, 4, 30)} <= set(DATES), day
    assert date(2025, 4, 11) == PILOT_START


def test_worked_edges_agree_and_hold_the_values_the_spec_gives() -> None:
    """A few rows where the v2 rules turn, each with the answer rulebook-spec sections 3 to 7 give."""
    us = (Holder("foreign", "US", Decimal(60)), Holder("domestic", "CN", Decimal(40)))
    whole = (Holder("foreign", "US", HUNDRED),)

    def one(place: str, services: tuple[ServiceRequest, ...], holders: tuple[Holder, ...], **kw: object) -> Profile:
        return Profile(
            name="edge",
            division_code=place,
            zones=frozenset(kw.get("zones", ())),  # type: ignore[arg-type]
            registered_capital_cny=Decimal(str(kw.get("capital", "20000000"))),
            shareholders=holders,
            services=services,
            service_area=ServiceArea(str(kw.get("area", "provincial"))),
        )

    cases = [
        # B25-01 carrying music in Beijing: Notice 107 no longer opens it; 60% exceeds the national 50%.
        (one("110105", (ServiceRequest("B25-01", None, ("music",)),), us), date(2024, 10, 23),
         ("ineligible", None, None, None, Decimal(50), "prohibition:notice-107-b25-content")),
        # The app store scope keeps the comprehensive pilot's opening once that starts.
        (one("110105", (ServiceRequest("B25-01", "app-store", ("music",)),), whole), PILOT_START,
         ("eligible", "pilot", "comprehensive-pilot", "Beijing", HUNDRED, "cap:comprehensive-pilot-2025")),
        # IDC is closed nationally; Notice 107 opens it in Pudong.
        (one("440106", (ServiceRequest("B11"),), us), date(2025, 6, 1),
         ("ineligible", None, None, None, Decimal(0), "cap:not-opened-wto")),
        (one("310115", (ServiceRequest("B11"),), whole), date(2024, 10, 23),
         ("eligible", "pilot", "notice-107", "Shanghai Pudong New Area and Lin-gang", HUNDRED, "cap:notice-107")),
        # Hainan's own list opens B21 before Notice 107's channel does.
        (one("460100", (ServiceRequest("B21", "edi"),), whole), date(2024, 10, 22),
         ("eligible", "pilot", "hainan-ftp", "Hainan Free Trade Port", HUNDRED, "cap:hainan-ftp")),
        # Lin-gang lies inside the FTZ: IP-VPN up to 50% there, outside Pudong's division code.
        (one("310104", (ServiceRequest("B13"),), (Holder("f", "DE", Decimal(50)), Holder("d", "CN", Decimal(50))),
             zones=("shanghai-lingang",)), date(2024, 6, 1),
         ("eligible", "pilot", "ftz", "Free trade zone of registration", Decimal(50), "cap:ftz-2021")),
        # Prohibited content: domestic only, on the national route.
        (one("130102", (ServiceRequest("B25-03", None, ("public-information-publishing",)),),
             (Holder("d", "CN", HUNDRED),), area="cross-regional"), date(2025, 6, 1),
         ("eligible", "national", None, "Nationwide", Decimal(0), "prohibition:negative-list-content")),
        # A cross-regional declaration met only on a pilot route: the provincial minimum applies.
        (one("440305", (ServiceRequest("B12"),), whole, area="cross-regional", capital="1000000"), date(2025, 6, 1),
         ("eligible", "pilot", "notice-107", "Shenzhen", HUNDRED, "cap:notice-107")),
        # ... and with a national-route service beside it, the cross-regional minimum blocks both.
        (one("440305", (ServiceRequest("B12"), ServiceRequest("B22")), whole, area="cross-regional",
             capital="9999999.99"), date(2025, 6, 1),
         ("ineligible", None, None, None, HUNDRED, "cap:notice-107")),
    ]  # fmt: skip
    for profile, on, answer in cases:
        row = screened_rows([profile], on)[0]
        assert {k: row[k] for k in engine_rows([profile], on)[0]} == engine_rows([profile], on)[0]
        assert (row["outcome"], row["route"], row["opening"], row["area"]) == answer[:4], (profile, on)
        assert (row["max_foreign_share"], row["deciding_rule"]) == answer[4:], (profile, on)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(profiles(), min_size=1, max_size=6), rules_on=RULES_AND_DATES)
def test_the_join_on_the_columns_gives_the_packed_keys_answers(
    batch: list[Profile], rules_on: tuple[Rulebook, date]
) -> None:
    """A table too varied for one packed integer key is joined on its columns instead: same answers."""
    rulebook, on = rules_on
    frame = validate_flat(flatten(batch), rulebook, "generated")
    packed = screen(frame, rulebook, on)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(screening, "_KEY_BITS", 1)
        assert screening._packed_key(frame) is None
        joined = screen(frame, rulebook, on)
    assert joined.rows() == packed.rows()
