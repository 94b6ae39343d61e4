"""The register as rows for `vatspilot licence list`: one row per licence, public particulars only."""

from __future__ import annotations

from typing import TypedDict

from vatspilot.store.models import Licence


class LicenceRow(TypedDict):
    number: str
    holder: str  # the registered (Chinese) name, as the certificate states it first
    uscc: str
    status: str
    services: list[str]  # the licensed services' catalogue codes
    areas: list[str]  # every area a service may be operated in (English), each once, in the order listed
    valid_from: str  # the issue date, ISO 8601
    valid_to: str  # the last valid day, ISO 8601


def licence_rows(status: str | None = None) -> list[LicenceRow]:
    """Every licence (with ``status`` only, when given), newest first."""
    licences = Licence.objects.order_by("-issued_on", "-id")
    if status is not None:
        licences = licences.filter(status=status)
    rows: list[LicenceRow] = []
    for licence in licences:
        areas: list[str] = []
        for service in licence.services:
            areas.extend(area for area in service["areas_en"] if area not in areas)
        rows.append(
            LicenceRow(
                number=licence.number,
                holder=licence.holder_name_zh,
                uscc=licence.uscc,
                status=licence.status,
                services=[str(service["code"]) for service in licence.services],
                areas=areas,
                valid_from=licence.issued_on.isoformat(),
                valid_to=licence.valid_until.isoformat(),
            )
        )
    return rows
