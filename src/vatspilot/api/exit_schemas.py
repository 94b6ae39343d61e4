"""What the API sends and accepts for the orderly network exit (services.licences.exits), the public credit
lists (queries.credit_lists) and the inbox (services.notifications).

The exit's steps take the fields the site's forms take (web/exit_forms.py; the entry points do not import
one another, so they are declared again here, once): ``EXIT_ACTION_FIELDS`` says which each step takes and
which it requires; ``ExitActionIn`` holds every one of them, strict, and ``exit_fields_for`` checks a body
against its step, naming the first field at fault."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema

from vatspilot.api.problems import check_fields_taken
from vatspilot.domain.licences.exit import ExitAction
from vatspilot.services.licences.exits import COUNT_LIMIT  # the largest count the store keeps

NOTE_LIMIT = 4000  # as the site's forms

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _calendar_day(value: object) -> date:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("not a calendar date written YYYY-MM-DD")


# A date as JSON carries it, ISO 8601 (YYYY-MM-DD) and nothing else: strict mode would refuse the text, and
# the lax one would take a number for a timestamp.
IsoDate = Annotated[date, BeforeValidator(_calendar_day), WithJsonSchema({"type": "string", "format": "date"})]


# --- The network exit --------------------------------------------------------------------------------


class ExitStepOut(Schema):
    on: date
    action: str = Field(description="exit.file_plan, exit.report_progress, exit.report_done, exit.confirm ...")
    label: str
    users_migrated: int | None = Field(description="The users migrated as the step left them.")
    note: str = Field(description="The note typed with the step (never on the public register).")


class ExitActionOut(Schema):
    action: ExitAction
    label: str


class ExitOut(Schema):
    licence_number: str
    version: int = Field(description="Send it back as expected_version when taking a step.")
    state: Literal["required", "in_progress", "done_reported", "completed"]
    state_label: str
    opened_on: date
    users_notified_on: date | None = Field(description="The plan's day the users are told; null until filed.")
    migration_deadline: date | None = Field(description="The plan's day by which every user has moved.")
    users_to_migrate: int | None
    users_migrated: int = Field(description="As last reported.")
    confirmed_on: date | None
    overdue: bool = Field(description="Past the migration deadline and not confirmed complete.")
    days_overdue: int
    awaiting_plan_since: date | None = Field(description="No plan filed yet: since when (not called overdue).")
    steps: list[ExitStepOut] = Field(description="Oldest first.")
    available_actions: list[ExitActionOut] = Field(description="The steps the caller may take now.")


class ListedExitState(StrEnum):
    """The states an exit on the supervisors' list is in (a completed exit is no longer listed)."""

    REQUIRED = "required"
    IN_PROGRESS = "in_progress"
    DONE_REPORTED = "done_reported"


class ExitSummaryOut(Schema):
    licence_number: str
    holder_name_zh: str
    holder_name_en: str
    state: ListedExitState
    state_label: str
    opened_on: date
    migration_deadline: date | None
    users_migrated: int
    users_to_migrate: int | None
    overdue: bool
    days_overdue: int
    awaiting_plan_since: date | None


class ExitActionIn(Schema):
    """The exit's version the client last saw, and the step's fields (each says which steps take it).

    Strict: "3" is not 3, a date is "YYYY-MM-DD", and a field the API does not know is refused."""

    model_config = ConfigDict(strict=True, extra="forbid")

    expected_version: int = Field(ge=1)
    users_notified_on: IsoDate | None = Field(
        None, description="Taken by file_plan (required): the day the users are (or were) told of the exit."
    )
    migration_deadline: IsoDate | None = Field(
        None, description="Taken by file_plan (required): the day by which every user has moved."
    )
    users_to_migrate: int | None = Field(None, ge=0, le=COUNT_LIMIT, description="Taken by file_plan (required).")
    users_migrated: int | None = Field(
        None,
        ge=0,
        le=COUNT_LIMIT,
        description="Taken by report_progress (required): the number moved since the exit began, not since the "
        "last report.",
    )
    note: str | None = Field(
        None,
        max_length=NOTE_LIMIT,
        description="Taken by report_progress, report_done and confirm (optional; for confirm: what was checked).",
    )
    reason: str | None = Field(
        None, max_length=NOTE_LIMIT, description="Taken by send_back (required): what remains to be done."
    )


# Each step's fields (the writer's keyword parameters): name -> required.
EXIT_ACTION_FIELDS: dict[ExitAction, dict[str, bool]] = {
    ExitAction.FILE_PLAN: {"users_notified_on": True, "migration_deadline": True, "users_to_migrate": True},
    ExitAction.REPORT_PROGRESS: {"users_migrated": True, "note": False},
    ExitAction.REPORT_DONE: {"note": False},
    ExitAction.CONFIRM: {"note": False},
    ExitAction.SEND_BACK: {"reason": True},
}


def exit_fields_for(action: ExitAction, payload: ExitActionIn) -> dict[str, Any]:
    """The writer's keyword arguments from the body (an optional text left out is ""); FieldProblem (a
    422) names the first field the step does not take, or the first it requires that is missing."""
    taken = EXIT_ACTION_FIELDS[action]
    sent = {
        name: value for name, value in payload.model_dump(exclude={"expected_version"}).items() if value is not None
    }
    check_fields_taken(sent, [name for name, required in taken.items() if required], taken)
    return {name: sent.get(name, "") for name in taken}


# --- The public credit lists ------------------------------------------------------------------------------


class EntryStatus(StrEnum):
    IN_FORCE = "in_force"
    REMOVED = "removed"


class CreditListEntryOut(Schema):
    list: Literal["bad_record", "dishonest"]
    name: str = Field(description="The enterprise's registered name.")
    uscc: str
    licence_number: str = Field(description='"" when the listing names no licence.')
    listed_on: date
    reason: str
    listing_authority: str
    removed_on: date | None = Field(description="Null while the entry is in force.")
    removal_reason: str


# --- The inbox ------------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="A dotted code, e.g. application.accepted or licence.exit_confirmed.")
    subject: str = Field(description="In the request's language (Accept-Language).")
    body: str = Field(description="In the request's language (Accept-Language).")
    application: int | None = Field(description="The id of the application it is about, if any.")
    created_at: datetime
    read_at: datetime | None = Field(description="Null while unread.")


class MarkedReadOut(Schema):
    marked: int = Field(description="How many unread notifications were marked read.")
