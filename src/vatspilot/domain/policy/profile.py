"""The applicant profile (contract vatspilot/profile/v1) as domain values. Percentages and money are
Decimal, read from the JSON text so that 33.33 stays 33.33 rather than its binary neighbour."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Holder:
    name: str
    jurisdiction: str
    percent: Decimal
    shareholders: tuple[Holder, ...] | None = None
    foreign_invested: bool = False  # a CN holder known to have foreign investors: it must be looked through


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    code: str
    scope: str | None = None
    content: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceArea:
    kind: str  # provincial | cross-regional
    provinces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    division_code: str
    zones: frozenset[str]
    registered_capital_cny: Decimal
    shareholders: tuple[Holder, ...]
    services: tuple[ServiceRequest, ...]
    service_area: ServiceArea
    dishonest_list: bool = False
    uscc: str | None = None
