"""Who may act on an application, and which reviewing agency each reviewer role speaks for."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    APPLICANT = "applicant"
    LOCAL_OFFICER = "local_officer"  # the pilot region's Communications Administration
    MIIT_REVIEWER = "miit_reviewer"
    CAC_REVIEWER = "cac_reviewer"
    MPS_REVIEWER = "mps_reviewer"
    SECURITY_EXPERT = "security_expert"
    INSPECTOR = "inspector"
    ADMINISTRATOR = "administrator"


class Agency(StrEnum):
    """The agencies of the ministerial (substantive) review: MIIT with the CAC and the MPS."""

    MIIT = "miit"
    CAC = "cac"
    MPS = "mps"


REVIEWING_AGENCIES: tuple[Agency, ...] = (Agency.MIIT, Agency.CAC, Agency.MPS)

AGENCY_OF_ROLE: Mapping[Role, Agency] = MappingProxyType(
    {
        Role.MIIT_REVIEWER: Agency.MIIT,
        Role.CAC_REVIEWER: Agency.CAC,
        Role.MPS_REVIEWER: Agency.MPS,
    }
)
