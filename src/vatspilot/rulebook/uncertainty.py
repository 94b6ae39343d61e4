"""Which U-graded rules an answer rests on: what the command line, the pages and the API warn about at the
top of a determination.

A determination (contract vatspilot/decision/v2) carries each reason's confidence, so a U reason that
allows, blocks or requires is read from the determination itself. The document requirements are not
reasons: the pilot's additions and the security assessment (`documents:pilot-additions`, graded U) show
only as items in `required_documents` and `required_assessments`, so the requirement that brought them is
looked up in the rulebook by the same trigger the engine applies. A v1 determination carries no
confidence at all: nothing can be said of it, and nothing is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from vatspilot.domain.policy.periods import Confidence
from vatspilot.domain.policy.rules import DocumentTrigger, Rulebook

SCHEMA_V2 = "vatspilot/decision/v2"


def uncertain_rules(determination: Mapping[str, Any], rulebook: Rulebook) -> tuple[str, ...]:
    """The ids of the U rules that shaped the answer (notes, which change nothing, are left out), in the
    order they appear: conditions, then services, then document requirements."""
    if determination.get("schema") != SCHEMA_V2:
        return ()
    services = list(determination.get("services") or [])
    reasons = [*(determination.get("conditions") or []), *(r for s in services for r in s.get("reasons") or [])]
    ids = [r["rule"] for r in reasons if r.get("confidence") == Confidence.U.value and r.get("effect") != "informs"]
    eligible = [s for s in services if s.get("outcome") == "eligible"]
    openings = {s.get("opening") for s in eligible}
    for requirement in rulebook.in_force(date.fromisoformat(determination["on"])).documents:
        if requirement.meta.confidence is not Confidence.U or not eligible:
            continue
        if requirement.trigger is DocumentTrigger.ANY_ELIGIBLE or openings.intersection(requirement.openings):
            ids.append(requirement.meta.id)
    return tuple(dict.fromkeys(ids))


def stored_uncertain_rules(stored: object, rulebook: Rulebook) -> tuple[str, ...]:
    """As uncertain_rules, for a determination read back from storage: a document that is not the
    contract's (truncated, hand-edited) warns of nothing rather than failing the page or the API that
    shows it; the determination itself is still shown as it is."""
    if not isinstance(stored, Mapping):
        return ()
    try:
        return uncertain_rules(stored, rulebook)
    except (KeyError, ValueError, TypeError, AttributeError):
        return ()
