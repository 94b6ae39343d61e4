"""The vectorised screening and the single-profile engine give the same answer on every row.

Profiles are random; dates are drawn from both sides of every rule boundary in the rulebook.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vatspilot.analytics.flat_input import COLUMNS, validate_flat
from vatspilot.analytics.screening import screen
from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.policy.ownership import foreign_share
from vatspilot.domain.policy.profile import Holder, Profile, ServiceArea, ServiceRequest
from vatspilot.rulebook.loader import default_rulebook

RULEBOOK = default_rulebook()

# Every region of the rulebook, their neighbours, and places in no region at all.
DIVISION_CODES = [
    "110105", "110000", "310115", "310104", "460100", "469001", "440305", "440106", "441900",
    "210202", "210102", "330212", "330106", "350203", "350102", "370212", "340102", "610113",
    "320506", "320102", "120101", "500101", "420102", "510104", "130102", "650102", "810000",
]  # fmt: skip


def _boundaries() -> list[date]:
    days = {RULEBOOK.start}
    for entry in RULEBOOK.entries():
        period = entry.meta.period
        for day in (period.start, period.end):
            if day is not None:
                days.update({day - timedelta(days=1), day, day + timedelta(days=1)})
    return sorted(d for d in days if d >= RULEBOOK.start)


DATES = _boundaries()
SCOPES = {s.code: s.scopes for s in RULEBOOK.services}
CONTENTS = ["news", "online-publishing", "audio-visual", "internet-culture"]


@st.composite
def holders(draw: st.DrawFn, depth: int = 0) -> tuple[Holder, ...]:
    count = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    percents = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    result = []
    for i, percent in enumerate(percents):
        jurisdiction = draw(st.sampled_from(["CN", "CN", "US", "HK", "MO", "TW", "DE"]))
        children = None
        if jurisdiction == "CN" and depth < 2 and draw(st.booleans()):
            children = draw(holders(depth + 1))
        result.append(Holder(f"holder {depth}.{i}", jurisdiction, float(percent), children))
    return tuple(result)


@st.composite
def services(draw: st.DrawFn) -> ServiceRequest:
    code = draw(st.sampled_from(sorted(SCOPES)))
    scope = draw(st.sampled_from([None, *SCOPES[code]]))
    content = tuple(draw(st.lists(st.sampled_from(CONTENTS), max_size=2, unique=True))) if draw(st.booleans()) else ()
    return ServiceRequest(code, scope, content)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    return Profile(
        name="random",
        division_code=draw(st.sampled_from(DIVISION_CODES)),
        zones=frozenset(draw(st.lists(st.sampled_from(["shanghai-lingang", "ftz"]), unique=True))),
        registered_capital_cny=draw(st.sampled_from([0.0, 999_999.0, 1_000_000.0, 9_999_999.0, 10_000_000.0, 5e7])),
        shareholders=draw(holders()),
        services=tuple(draw(st.lists(services(), min_size=1, max_size=4))),
        service_area=ServiceArea(draw(st.sampled_from(["provincial", "cross-regional"]))),
        dishonest_list=draw(st.booleans()),
    )


def flatten(batch: list[Profile]) -> pl.DataFrame:
    rows: dict[str, list[object]] = {name: [] for name in COLUMNS}
    for number, p in enumerate(batch):
        share = foreign_share(p.shareholders)
        for s in p.services:
            values = {
                "profile_id": str(number),
                "division_code": p.division_code,
                "zones": ";".join(sorted(p.zones)),
                "registered_capital_cny": p.registered_capital_cny,
                "foreign_share": share,
                "service_area": p.service_area.kind,
                "dishonest_list": p.dishonest_list,
                "code": s.code,
                "scope": s.scope,
                "content": ";".join(s.content) or None,
            }
            for name, value in values.items():
                rows[name].append(value)
    return pl.DataFrame(rows, schema=COLUMNS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(profiles(), min_size=1, max_size=8), on=st.sampled_from(DATES))
def test_screening_equals_the_engine_on_every_row(batch: list[Profile], on: date) -> None:
    frame = validate_flat(flatten(batch), RULEBOOK, "generated")
    rows = screen(frame, RULEBOOK, on, chunk_rows=5).iter_rows(named=True)
    for number, profile in enumerate(batch):
        determination = evaluate(profile, on=on, lang="en", rulebook=RULEBOOK)
        for service in determination.services:
            row = next(rows)
            assert row["profile_id"] == str(number)
            assert row["code"] == service.code and row["scope"] == service.scope
            assert row["outcome"] == ("eligible" if service.eligible else "ineligible")
            assert row["route"] == (service.route.value if service.route else None)
            assert row["max_foreign_share"] == service.max_foreign_share
            assert row["regions"] == ";".join(determination.regions)
            assert row["profile_outcome"] == determination.outcome


def test_the_dates_straddle_every_boundary() -> None:
    assert date(2024, 10, 22) in DATES and date(2024, 10, 23) in DATES
    assert date(2025, 4, 10) in DATES and date(2025, 4, 11) in DATES
    assert date(2024, 10, 31) in DATES and date(2024, 11, 1) in DATES
