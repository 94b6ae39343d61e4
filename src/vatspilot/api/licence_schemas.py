"""What the licence operations of the API send and accept (routers/licences.py, routers/licence_filings.py).

The request bodies are strict: "3" is not 3, true is not 1, and a field the API does not know is refused.
Dates are sent as ISO text ("2025-07-01") and read by the router, which names the field when one is not a
day of the calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from vatspilot.domain.licences.action_fields import REASON_MAX_LENGTH
from vatspilot.domain.licences.filings import ChangeKind
from vatspilot.queries.licence_oversight import Flag
from vatspilot.services.licences.filings import NAME_MAX_LENGTH, REPRESENTATIVE_MAX_LENGTH

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
# The holder's application for cancellation: not a row of the licence's table (no status changes), taken
# at the actions route under the web's name for it.
REQUEST_CANCELLATION = "request-cancellation"
CHANGE_KINDS = tuple(kind.value for kind in ChangeKind)


class FlagFilter(StrEnum):
    """The list's attention filter: any flag (``attention``), or one flag."""

    ATTENTION = "attention"
    EXIT_OVERDUE = Flag.EXIT_OVERDUE.value
    EXIT_REQUIRED_NO_PLAN = Flag.EXIT_REQUIRED_NO_PLAN.value
    LISTING_OVERDUE = Flag.LISTING_OVERDUE.value
    CHANGE_FILED_LATE = Flag.CHANGE_FILED_LATE.value
    FILINGS_PENDING = Flag.FILINGS_PENDING.value
    EXPIRING_WITHIN_90_DAYS = Flag.EXPIRING_WITHIN_90_DAYS.value


# --- Out ------------------------------------------------------------------------------------------------


class LicensedServiceOut(Schema):
    code: str
    name_en: str
    name_zh: str
    areas_en: list[str]
    areas_zh: list[str] = Field(description="Parallel to areas_en.")


class LicenceSummaryOut(Schema):
    number: str
    holder: str = Field(description="The holder's name in the request's language.")
    holder_name_zh: str
    holder_name_en: str
    uscc: str
    status: str = Field(description="Effective today: a valid or suspended licence past its last valid day is expired.")
    status_label: str
    valid_until: date
    days_to_expiry: int | None = Field(description="Days to the last valid day; null unless valid or suspended.")
    services: list[str] = Field(description="The licensed services' catalogue codes.")
    flags: list[Flag] = Field(description="What needs attention, in a fixed order.")
    needs_attention: bool


class LicenceStepOut(Schema):
    on: date = Field(description="The day the step took effect.")
    action: str
    action_label: str
    from_state_label: str
    to_state_label: str
    note: str = Field(description="The official's reason (never shown on the public register).")


class RecheckOut(Schema):
    eligible: bool
    ineligible: list[str] = Field(description="The services found ineligible, as code or code/scope.")
    rulebook: str
    on: str


class ParticularOut(Schema):
    label: str
    value: str


class FilingOut(Schema):
    id: int
    kind: str = Field(description="change or renewal.")
    kind_label: str
    status: str = Field(description="filed, approved, refused or withdrawn.")
    status_label: str
    pending: bool
    filed_on: date
    changed_on: date | None
    late: bool = Field(description="A change filed after its deadline (accepted, and flagged).")
    change_labels: list[str]
    particulars: list[ParticularOut] = Field(description="What the filing states, in the request's language.")
    recheck: RecheckOut | None = Field(description="The eligibility re-check of the changed particulars.")
    decided_on: date | None
    decision_note: str = Field(description="MIIT's reason for its approval or refusal.")
    version: int = Field(description="Send it back as expected_version when acting on the filing.")
    available_actions: list[str] = Field(description="What the caller may do to the filing now.")


class FilingsPanelOut(Schema):
    live: bool = Field(description="The licence is valid or suspended.")
    can_file: bool = Field(description="The caller is a member of the holder and the licence is live.")
    change_pending: bool
    renewal_pending: bool
    renewal_deadline: date = Field(description="The last day a renewal may be filed.")
    renewal_days_left: int = Field(description="Negative once the deadline has passed.")
    renewal_lead_days: int
    pending_count: int
    filings: list[FilingOut] = Field(description="Newest first.")


class ExitOut(Schema):
    state: str
    state_label: str
    version: int
    opened_on: date
    users_notified_on: date | None
    migration_deadline: date | None
    users_to_migrate: int | None
    users_migrated: int
    confirmed_on: date | None
    overdue: bool
    days_overdue: int
    awaiting_plan_since: date | None
    available_actions: list[str]


class LicenceOut(Schema):
    number: str
    application_id: int
    holder_name_zh: str
    holder_name_en: str
    uscc: str
    services: list[LicensedServiceOut]
    conditions: list[str]
    issued_on: date
    valid_until: date
    version: int = Field(description="Send it back as expected_version when acting on the licence.")
    status: str = Field(description="Effective today.")
    status_label: str
    cancellation_requested_on: date | None = Field(description="The day the holder applied for cancellation.")
    events: list[LicenceStepOut] = Field(description="The licence's history, oldest first, with the notes.")
    available_actions: list[str] = Field(
        description="The actions the caller may take now (POST /licences/{number}/actions/{action})."
    )
    certificate_available: bool = Field(description="The platform has its signing key: the PDF can be made now.")
    filings: FilingsPanelOut | None
    network_exit: ExitOut | None = Field(description="The orderly network exit after a revocation or cancellation.")


# --- In -------------------------------------------------------------------------------------------------


class _Strict(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")


class LicenceActionIn(_Strict):
    """The licence's version the caller last saw and the action's fields: `reason` for suspend, reinstate,
    revoke, cancel and reduce_scope (required); `remove_services` and `narrow_areas` for reduce_scope
    only; nothing more for request-cancellation."""

    expected_version: int = Field(ge=1)
    reason: str | None = Field(
        None, max_length=REASON_MAX_LENGTH, description="The reason and legal basis (suspend, reinstate, ...)."
    )
    remove_services: list[str] | None = Field(None, description="reduce_scope: the service codes taken off.")
    narrow_areas: dict[str, list[str]] | None = Field(
        None,
        description="reduce_scope: service code -> the areas (English names) it keeps; a code not named keeps all.",
    )


class ShareholderIn(_Strict):
    name: str = Field(max_length=300)
    jurisdiction: str = Field(max_length=2, description="ISO 3166 code; CN for the mainland.")
    percent: Decimal | int
    shareholders: list[dict[str, Any]] | None = Field(None, description="Looked through (the profile's holder).")


class ServiceIn(_Strict):
    code: str = Field(max_length=20)
    scope: str | None = Field(None, max_length=100)
    content: list[str] | None = None


class ChangeFilingIn(_Strict):
    """A change of the licence's particulars: what changed (`kinds`), the day it took effect and the new
    particulars of each kind changed."""

    kinds: list[Literal[CHANGE_KINDS]] = Field(  # type: ignore[valid-type]
        description="What changed: " + ", ".join(CHANGE_KINDS) + "."
    )
    changed_on: str = Field(pattern=ISO_DAY, description="The day the change took effect (YYYY-MM-DD).")
    name_zh: str = Field("", max_length=NAME_MAX_LENGTH)
    name_en: str = Field("", max_length=NAME_MAX_LENGTH)
    legal_representative: str = Field("", max_length=REPRESENTATIVE_MAX_LENGTH)
    registered_capital_cny: Decimal | int | None = None
    shareholders: list[ShareholderIn] = Field([], max_length=60, description="The direct shareholders after it.")
    services: list[ServiceIn] = Field([], max_length=40, description="The services of the scope after it.")


class RenewalIn(_Strict):
    """For every licensed service, the day it was launched (YYYY-MM-DD), or null: never launched."""

    launched: dict[str, str | None]


class FilingActionIn(_Strict):
    expected_version: int = Field(ge=1)
    reason: str | None = Field(
        None, max_length=REASON_MAX_LENGTH, description="approve and refuse: required; withdraw takes none."
    )
