"""The applicant profile (contract vatspilot/profile/v1) as domain values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Holder:
    name: str
    jurisdiction: str
    percent: float
    shareholders: tuple[Holder, ...] | None = None


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
    registered_capital_cny: float
    shareholders: tuple[Holder, ...]
    services: tuple[ServiceRequest, ...]
    service_area: ServiceArea
    dishonest_list: bool = False
    uscc: str | None = None
