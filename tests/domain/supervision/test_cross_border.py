"""The cross-border mechanism of the CAC Provisions of 2024, at each threshold."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.supervision.cross_border import (
    CONFIDENCE,
    Mechanism,
    Thresholds,
    TransferVolumes,
    required_mechanism,
    thresholds,
)
from vatspilot.rulebook.loader import default_rulebook

LIMITS = Thresholds(100_000, 1_000_000, 10_000)
M = Mechanism


def test_the_rulebook_thresholds() -> None:
    rulebook = default_rulebook()
    assert thresholds(rulebook.parameter("parameter:cross-border-thresholds", date(2025, 12, 31))) == LIMITS
    entry = next(p for p in rulebook.parameters if p.meta.id == "parameter:cross-border-thresholds")
    assert entry.meta.confidence.value == CONFIDENCE == "C2"
    with pytest.raises(ValueError, match="need exempt-ordinary-pi-below"):
        thresholds({"exempt-ordinary-pi-below": 1})
    with pytest.raises(ValueError, match="numbers of people"):
        thresholds(
            {"exempt-ordinary-pi-below": -1, "assessment-ordinary-pi-above": 1, "assessment-sensitive-pi-above": 1}
        )


@pytest.mark.parametrize(
    ("ordinary", "sensitive", "important", "cii", "required", "on_boundary"),
    [
        (0, 0, False, False, M.NONE, False),
        (1, 0, False, False, M.EXEMPT, False),
        (99_999, 0, False, False, M.EXEMPT, False),
        (100_000, 0, False, False, M.STANDARD_CONTRACT_OR_CERTIFICATION, False),
        (999_999, 0, False, False, M.STANDARD_CONTRACT_OR_CERTIFICATION, False),
        (1_000_000, 0, False, False, M.STANDARD_CONTRACT_OR_CERTIFICATION, True),
        (1_000_001, 0, False, False, M.SECURITY_ASSESSMENT, False),
        (0, 1, False, False, M.STANDARD_CONTRACT_OR_CERTIFICATION, False),
        (0, 10_000, False, False, M.STANDARD_CONTRACT_OR_CERTIFICATION, True),
        (0, 10_001, False, False, M.SECURITY_ASSESSMENT, False),
        (50, 0, True, False, M.SECURITY_ASSESSMENT, False),
        (0, 0, True, False, M.SECURITY_ASSESSMENT, False),
        (1, 0, False, True, M.SECURITY_ASSESSMENT, False),
        (0, 0, False, True, M.NONE, False),
    ],
)
def test_the_mechanism_at_each_threshold(
    ordinary: int, sensitive: int, important: bool, cii: bool, required: Mechanism, on_boundary: bool
) -> None:
    outcome = required_mechanism(TransferVolumes(ordinary, sensitive, important, cii), LIMITS)
    assert (outcome.required, outcome.on_boundary) == (required, on_boundary)
    assert outcome.missing is (required in (M.STANDARD_CONTRACT_OR_CERTIFICATION, M.SECURITY_ASSESSMENT))


def test_reasons_are_given() -> None:
    outcome = required_mechanism(TransferVolumes(2_000_000, 20_000, True, True), LIMITS)
    assert outcome.reasons == (
        "a critical information infrastructure operator provides data abroad",
        "important data is provided abroad",
        "personal information of more than 1,000,000 people",
        "sensitive personal information of more than 10,000 people",
    )
    assert required_mechanism(TransferVolumes(200_000, 5, False), LIMITS).reasons == (
        "personal information of 100,000 to 1,000,000 people",
        "sensitive personal information of up to 10,000 people",
    )
    assert required_mechanism(TransferVolumes(5, 0, False), LIMITS).reasons == (
        "personal information of fewer than 100,000 people, none sensitive",
    )


def test_what_is_on_file_covers_the_same_or_a_lower_mechanism() -> None:
    volumes = TransferVolumes(200_000, 0, False)
    assert required_mechanism(volumes, LIMITS, {M.STANDARD_CONTRACT_OR_CERTIFICATION}).missing is False
    assert required_mechanism(volumes, LIMITS, {M.SECURITY_ASSESSMENT}).missing is False
    assert required_mechanism(volumes, LIMITS, {M.EXEMPT}).missing is True
    big = TransferVolumes(2_000_000, 0, False)
    outcome = required_mechanism(big, LIMITS, {M.STANDARD_CONTRACT_OR_CERTIFICATION})
    assert (outcome.missing, outcome.flagged) == (True, True)


def test_overseas_nodes_without_reported_volumes_are_flagged() -> None:
    outcome = required_mechanism(TransferVolumes(0, 0, False, overseas_nodes=3), LIMITS)
    assert (outcome.required, outcome.missing, outcome.overseas_without_volumes, outcome.flagged) == (
        M.NONE,
        False,
        True,
        True,
    )
    assert required_mechanism(TransferVolumes(10, 0, False, overseas_nodes=3), LIMITS).flagged is False
    with pytest.raises(ValueError, match="not negative"):
        TransferVolumes(-1, 0, False)
