"""The supervision periods the rulebook sets, read as of a day: the report terms (due days, the annual
window, the cure days) and the remediation days by severity."""

from __future__ import annotations

from datetime import date

from vatspilot.domain.licences.lifecycle import LICENCE_WORKFLOW
from vatspilot.domain.supervision.findings import Severity
from vatspilot.domain.supervision.obligations import Obligation, ReportTerms, obligations, report_terms
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.store.models import Licence

QUARTERLY_DUE_DAYS = "parameter:quarterly-report-due-days"


def report_terms_on(day: date) -> ReportTerms:
    rulebook = default_rulebook()
    return report_terms(
        rulebook.parameter(QUARTERLY_DUE_DAYS, day),
        rulebook.parameter("parameter:annual-report-window", day),
        rulebook.parameter("parameter:report-cure-days", day),
    )


def remediation_days(severity: Severity, day: date) -> int:
    """Days to remedy a finding of ``severity`` raised on ``day`` (`parameter:remediation-days`)."""
    value = default_rulebook().parameter("parameter:remediation-days", day)
    if not isinstance(value, dict) or not isinstance(value.get(severity.value), int):
        raise ValueError(f"parameter:remediation-days has no whole number of days for {severity.value}")
    days: int = value[severity.value]
    return days


def rulebook_version() -> str:
    return default_rulebook().version


def reporting_since() -> date:
    """The first day the pilot's reporting terms are in force (`parameter:quarterly-report-due-days`)."""
    starts = [p.meta.period.start for p in default_rulebook().parameters if p.meta.id == QUARTERLY_DUE_DAYS]
    return min(starts)


def owed_obligations(issued_on: date, until: date, ends_on: date | None) -> tuple[Obligation, ...]:
    """A licence's obligations up to ``until`` (domain.supervision.obligations), counted from its issue or
    from the day the pilot's reporting terms came into force, whichever is later: a licence issued before
    them owes no report for the periods before them."""
    return obligations(max(issued_on, reporting_since()), until, report_terms_on, ends_on)


# A licence's obligations end with it: revoked, cancelled or expired (the licence table's final states).
ENDED_STATES = frozenset(state.value for state in LICENCE_WORKFLOW.final_states)


def licence_ends_on(licence: Licence) -> date | None:
    """The day an ended licence ended (its last event into that state; its last valid day failing that),
    None for a licence still in force."""
    if licence.status not in ENDED_STATES:
        return None
    day = licence.events.filter(to_state=licence.status).order_by("-at").values_list("on", flat=True).first()
    return day or licence.valid_until


def licence_owes(licence: Licence, until: date) -> tuple[Obligation, ...]:
    """What ``licence`` owes up to ``until`` (owed_obligations from its issue to its end)."""
    return owed_obligations(licence.issued_on, until, licence_ends_on(licence))
