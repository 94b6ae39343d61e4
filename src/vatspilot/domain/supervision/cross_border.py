"""Which cross-border data mechanism the CAC Provisions of 2024 require, from a report's volumes.

CAC Provisions on Promoting and Regulating Cross-Border Data Flows (22 March 2024, in force on
promulgation; legal-facts 5.1, C2, article numbers unverified), counting people cumulatively from 1 January
of the current year (rulebook `parameter:cross-border-thresholds`):

- **security assessment**: a critical information infrastructure operator providing any personal
  information or important data abroad; any handler providing important data; more than 1,000,000 people's
  personal information (sensitive excluded); more than 10,000 people's sensitive personal information;
- **standard contract or certification**: 100,000 to under 1,000,000 people's personal information
  (sensitive excluded), or sensitive personal information of under 10,000 people;
- **exempt**: fewer than 100,000 people's personal information (sensitive excluded), no sensitive personal
  information and no important data, by a handler that is not a critical information infrastructure operator.

Readings (docs/supervision.md):

- Exactly 1,000,000 ordinary or exactly 10,000 sensitive people falls between the two wordings as the
  sources summarise them ("more than" one, "under" the other). It is read as the standard contract, and the
  result says the count sits on a boundary (``on_boundary``) so that a person checks the official text.
- Only the volume exemption is judged; the Provisions' other exemptions (trade, contracts with the
  individual, HR, emergencies, free-trade-zone negative lists) are claims about purpose the authority
  reviews, not numbers a report holds.
- A higher mechanism satisfies a lower one: a passed security assessment covers what a standard contract
  would.
- Overseas nodes with no reported transfer are not a requirement of the Provisions; they are reported
  (``overseas_without_volumes``) because a node abroad usually means data goes there.

Pure: the thresholds come in as arguments.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from vatspilot.domain.shared.text import LocalizedText

__all__ = [
    "REASONS",
    "RULE",
    "CrossBorderOutcome",
    "Mechanism",
    "Thresholds",
    "TransferVolumes",
    "required_mechanism",
    "thresholds",
]

CITATION = (
    "CAC Provisions on Promoting and Regulating Cross-Border Data Flows (2024-03-22), Arts. 5-8 "
    "(article numbers unverified)"
)
CONFIDENCE = "C2"
RULE = "cross-border:mechanism"  # the rule of the finding a report's check raises

# Why a mechanism is required, in both languages: the English is what an outcome's reasons hold (the
# numbers grouped by thousands), the Chinese is what a Chinese page shows for it.
CII_REASON = LocalizedText(
    en="a critical information infrastructure operator provides data abroad",
    zh="关键信息基础设施运营者向境外提供数据",
)
IMPORTANT_DATA_REASON = LocalizedText(en="important data is provided abroad", zh="向境外提供重要数据")
ORDINARY_ABOVE_REASON = LocalizedText(
    en="personal information of more than {limit} people",
    zh="向境外提供超过{limit}人的个人信息（不含敏感个人信息）",
)
SENSITIVE_ABOVE_REASON = LocalizedText(
    en="sensitive personal information of more than {limit} people",
    zh="向境外提供超过{limit}人的敏感个人信息",
)
ORDINARY_BAND_REASON = LocalizedText(
    en="personal information of {low} to {high} people",
    zh="向境外提供{low}人至{high}人的个人信息（不含敏感个人信息）",
)
SENSITIVE_UP_TO_REASON = LocalizedText(
    en="sensitive personal information of up to {limit} people",
    zh="向境外提供不超过{limit}人的敏感个人信息",
)
EXEMPT_REASON = LocalizedText(
    en="personal information of fewer than {limit} people, none sensitive",
    zh="向境外提供不足{limit}人的个人信息，且无敏感个人信息",
)
REASONS: tuple[LocalizedText, ...] = (
    CII_REASON,
    IMPORTANT_DATA_REASON,
    ORDINARY_ABOVE_REASON,
    SENSITIVE_ABOVE_REASON,
    ORDINARY_BAND_REASON,
    SENSITIVE_UP_TO_REASON,
    EXEMPT_REASON,
)


class Mechanism(enum.StrEnum):
    NONE = "none"  # no personal information or important data left China
    EXEMPT = "exempt"
    STANDARD_CONTRACT_OR_CERTIFICATION = "standard-contract-or-certification"
    SECURITY_ASSESSMENT = "security-assessment"


_RANK = {
    Mechanism.NONE: 0,
    Mechanism.EXEMPT: 0,
    Mechanism.STANDARD_CONTRACT_OR_CERTIFICATION: 1,
    Mechanism.SECURITY_ASSESSMENT: 2,
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    exempt_ordinary_below: int  # 100,000
    assessment_ordinary_above: int  # 1,000,000
    assessment_sensitive_above: int  # 10,000


def thresholds(value: object) -> Thresholds:
    """The thresholds from the rulebook's raw `parameter:cross-border-thresholds` value, checked."""
    keys = ("exempt-ordinary-pi-below", "assessment-ordinary-pi-above", "assessment-sensitive-pi-above")
    if not isinstance(value, Mapping) or not set(keys) <= set(value):
        raise ValueError(f"the cross-border thresholds need {', '.join(keys)}")
    numbers = [value[key] for key in keys]
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers):
        raise ValueError("the cross-border thresholds are numbers of people")
    return Thresholds(*numbers)


@dataclass(frozen=True, slots=True)
class TransferVolumes:
    """What a quarterly report declares, counted from 1 January of the current year."""

    ordinary_people: int  # people whose personal information (sensitive excluded) left China
    sensitive_people: int  # people whose sensitive personal information left China
    important_data: bool
    critical_infrastructure_operator: bool = False
    overseas_nodes: int = 0

    def __post_init__(self) -> None:
        if self.ordinary_people < 0 or self.sensitive_people < 0:
            raise ValueError("a number of people is not negative")


@dataclass(frozen=True, slots=True)
class CrossBorderOutcome:
    required: Mechanism
    reasons: tuple[str, ...]  # why, in the Provisions' terms (English)
    on_boundary: bool  # a count equals a threshold the summarised wording leaves open
    overseas_without_volumes: bool
    missing: bool  # the mechanism on file does not cover what is required

    @property
    def flagged(self) -> bool:
        return self.missing or self.overseas_without_volumes


def required_mechanism(
    volumes: TransferVolumes, limits: Thresholds, on_file: Collection[Mechanism] = ()
) -> CrossBorderOutcome:
    """The mechanism the volumes require, and whether what is on file covers it."""
    ordinary, sensitive = volumes.ordinary_people, volumes.sensitive_people
    transfers = ordinary > 0 or sensitive > 0 or volumes.important_data
    reasons: list[str] = []
    if volumes.critical_infrastructure_operator and transfers:
        reasons.append(CII_REASON.en)
    if volumes.important_data:
        reasons.append(IMPORTANT_DATA_REASON.en)
    if ordinary > limits.assessment_ordinary_above:
        reasons.append(ORDINARY_ABOVE_REASON.en.format(limit=f"{limits.assessment_ordinary_above:,}"))
    if sensitive > limits.assessment_sensitive_above:
        reasons.append(SENSITIVE_ABOVE_REASON.en.format(limit=f"{limits.assessment_sensitive_above:,}"))
    if reasons:
        required = Mechanism.SECURITY_ASSESSMENT
    elif ordinary >= limits.exempt_ordinary_below or sensitive > 0:
        required = Mechanism.STANDARD_CONTRACT_OR_CERTIFICATION
        if ordinary >= limits.exempt_ordinary_below:
            reasons.append(
                ORDINARY_BAND_REASON.en.format(
                    low=f"{limits.exempt_ordinary_below:,}", high=f"{limits.assessment_ordinary_above:,}"
                )
            )
        if sensitive > 0:
            reasons.append(SENSITIVE_UP_TO_REASON.en.format(limit=f"{limits.assessment_sensitive_above:,}"))
    elif transfers:
        required = Mechanism.EXEMPT
        reasons.append(EXEMPT_REASON.en.format(limit=f"{limits.exempt_ordinary_below:,}"))
    else:
        required = Mechanism.NONE
    on_boundary = ordinary == limits.assessment_ordinary_above or (
        sensitive == limits.assessment_sensitive_above and sensitive > 0
    )
    best_on_file = max((_RANK[m] for m in on_file), default=0)
    return CrossBorderOutcome(
        required=required,
        reasons=tuple(reasons),
        on_boundary=on_boundary,
        overseas_without_volumes=volumes.overseas_nodes > 0 and not transfers,
        missing=_RANK[required] > best_on_file,
    )
