"""/api/v1/inspections: random inspections, "double random, one public". The inspections the caller may
see (MIIT and local officers those in their reach, an inspector their team's), a draw made by a
supervisor (MIIT nationwide or for any province, a local officer for their own), a draw as published (no
sign-in: everything needed to re-run it), one inspection, and its record by a member of its team (with
the findings it raises).

Each operation calls what the web's pages call (web/views/inspections.py): the read models
queries.inspections and the writers services.supervision.inspections. Anyone else than a supervisor or
an inspector is refused the list with a 403 (as /inspections/ is); a missing inspection and one the caller
may not see are the same 404; a refused draw or record is a 422 naming the field, and writes nothing.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from vatspilot.api.inspection_schemas import (
    NATIONWIDE,
    DrawIn,
    DrawOut,
    InspectionOut,
    InspectionSummaryOut,
    RecordIn,
)
from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.problems import FieldProblem
from vatspilot.api.schemas import ProblemOut
from vatspilot.queries.inspections import (
    InspectionRow,
    PublicDraw,
    draw_options,
    inspection_detail,
    inspections_in_reach,
    public_draw,
    uses_inspections,
)
from vatspilot.queries.supervision_lists import inspection_findings, inspection_kinds, inspection_row_key
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.inspections import FoundIssue, record_inspection, run_draw
from vatspilot.store.access import access_inspection
from vatspilot.store.models import Jurisdiction
from vatspilot.store.models.supervision import InspectionKind

router = Router(tags=["inspections"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 413: ProblemOut}
DRAW_ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 413: ProblemOut, 422: ProblemOut}
# The services' field names that the bodies call otherwise.
_BODY_FIELDS = {"on": "done_on", "inspectors": "inspectors_per_licensee"}


def _caller(request: HttpRequest) -> User:
    return cast(User, request.user)


def _as_api(refused: ActionRefused) -> ActionRefused:
    """A writer's refusal with its field as a JSON pointer into the body ("found.0.description" ->
    /found/0/description). (A refusal by the caller's role is answered 403 by the API's handler.)"""
    field = refused.params.get("field")
    if not field:
        return refused
    name = str(field)
    pointer = "/" + _BODY_FIELDS.get(name, name).replace(".", "/")
    return ActionRefused(refused.code, refused.message, **{**refused.params, "field": pointer})


def _summary(row: InspectionRow, kinds: dict[int, str]) -> dict[str, Any]:
    return {
        "id": row.pk,
        "licence_number": row.licence_number,
        "holder": row.holder,
        "kind": kinds[row.pk],
        "draw_id": row.draw_id,
        "drawn_on": row.drawn_on,
        "team": list(row.team),
        "done_on": row.done_on,
        "findings": row.findings,
    }


InspectionPageOut = page_schema(InspectionSummaryOut, "InspectionPageOut")


@router.get(
    "",
    response={200: InspectionPageOut, **ERRORS},
    summary="Inspections you may see",
    description=(
        "MIIT reviewers see every inspection, local officers those of their provinces, inspectors their "
        "teams'; anyone else is refused (403). Those not yet recorded first, then the newest, a page at a "
        "time (cursor pagination: follow `next`)."
    ),
)
def list_inspections(request: HttpRequest, page: Query[PageIn]) -> Any:
    if not uses_inspections(request.user):
        raise PermissionDenied("only supervisors and inspectors use the inspections")
    rows = inspections_in_reach(request.user)
    chosen = page_of_rows(rows, inspection_row_key, page)
    kinds = inspection_kinds(chosen.items)
    return payload(request, chosen, [_summary(row, kinds) for row in chosen.items])


def draw_payload(draw: PublicDraw) -> dict[str, Any]:
    """The API's view of the public draw (queries.inspections.public_draw)."""
    return {
        "id": draw.pk,
        "seed": draw.seed,
        "algorithm": draw.algorithm,
        "drawn_on": draw.drawn_on,
        "jurisdiction": draw.jurisdiction,
        "kind": draw.kind,
        "licensee_pool": list(draw.licensee_pool),
        "inspector_pool": list(draw.inspector_pool),
        "conflicts": {person: list(numbers) for person, numbers in draw.conflicts},
        "licensee_count": draw.licensee_count,
        "inspectors_per_licensee": draw.inspectors_per_licensee,
        "teams": [
            {
                "licensee": team.licensee,
                "holder": team.holder,
                "inspectors": list(team.inspectors),
                "short": team.short,
                "done_on": team.done_on,
                "findings": team.findings,
            }
            for team in draw.teams
        ],
        "data": json.loads(draw.data_json),
        "rerun": draw.snippet,
    }


def _jurisdiction(code: str) -> Jurisdiction | None:
    if code == NATIONWIDE:
        return None
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        raise FieldProblem(
            "jurisdiction",
            "invalid",
            _('"nationwide" or the GB/T 2260 code of a province (such as 310000).'),
        )
    return found


@router.post(
    "/draws",
    response={201: DrawOut, **DRAW_ERRORS},
    summary="Make a draw",
    description=(
        "Draws the licensees and their inspectors from the eligible pools (the licences valid or suspended "
        "today in the jurisdiction, the active inspectors), leaving out conflicts (from the applications' "
        "records, and those declared in `conflicts`), records and publishes the draw, and orders one "
        "inspection per team. MIIT reviewers draw nationwide or for any province, local officers for their "
        "own (403 otherwise). 201 with the draw as published, and its address in Location. 422 naming the "
        "field when the draw cannot be made as asked (say, more licensees than are eligible)."
    ),
)
def make_draw(request: HttpRequest, response: HttpResponse, payload: DrawIn) -> Any:
    user = _caller(request)
    if draw_options(user) is None:
        raise PermissionDenied("only MIIT reviewers and local officers draw inspections")
    try:
        record = run_draw(
            actor=user,
            jurisdiction=_jurisdiction(payload.jurisdiction),
            seed=payload.seed,
            on=legal_today(),
            kind=InspectionKind(payload.kind),
            licensee_count=payload.licensee_count,
            inspectors_per_licensee=payload.inspectors_per_licensee,
            declared_conflicts=payload.conflicts,
        )
    except ActionRefused as refused:
        raise _as_api(refused) from None
    response["Location"] = f"/api/v1/inspections/draws/{record.pk}"
    return Status(201, draw_payload(public_draw(record.pk)))


@router.get(
    "/draws/{int:draw_id}",
    auth=None,
    response={200: DrawOut, 404: ProblemOut, 429: ProblemOut},
    summary="A draw as published",
    description=(
        'Public, no sign-in ("one public"): the seed, algorithm, pools, conflicts and teams, the inputs as '
        "the draw takes them (`data`) and a program that re-runs it (`rerun`); once an inspection is "
        "recorded, its day and how many findings it raised, never what they say."
    ),
)
def get_draw(request: HttpRequest, draw_id: int) -> Any:
    return draw_payload(public_draw(draw_id))


def _inspection_payload(user: User, inspection_id: int) -> dict[str, Any]:
    inspection = access_inspection(user, inspection_id)
    detail = inspection_detail(user, inspection)
    return {
        "id": detail.pk,
        "licence_number": detail.licence_number,
        "holder": detail.holder,
        "kind": inspection.kind,
        "draw_id": detail.draw_id,
        "drawn_on": detail.drawn_on,
        "team": list(detail.team),
        "done_on": detail.done_on,
        "summary": detail.summary,
        "findings": [
            {
                "id": finding.pk,
                "rule": finding.rule,
                "severity": finding.severity.value,
                "status": finding.state.value,
                "description": finding.description,
            }
            for finding in inspection_findings(inspection)
        ],
        "may_record": detail.may_record,
        "may_open_findings": detail.may_open_findings,
    }


@router.get(
    "/{int:inspection_id}",
    response={200: InspectionOut, **ERRORS},
    summary="One inspection",
    description="For its team and the supervisors of its licence; 404 for anyone else, as for a missing one.",
)
def get_inspection(request: HttpRequest, inspection_id: int) -> Any:
    return _inspection_payload(_caller(request), inspection_id)


@router.post(
    "/{int:inspection_id}/record",
    response={200: InspectionOut, **WRITE_ERRORS},
    summary="Record the inspection and its findings",
    description=(
        "A member of the team (an inspector) records the inspection once: the day it was done (not after "
        "today, not before the draw), its summary and its findings, each raised on the licence with the "
        "inspection's basis and the rulebook's deadline for its severity. 403 for anyone else who may see "
        "it; 422 naming the field otherwise (`code` `already-recorded` when it was recorded before)."
    ),
)
def record_inspection_done(request: HttpRequest, inspection_id: int, payload: RecordIn) -> Any:
    user = _caller(request)
    inspection = access_inspection(user, inspection_id)
    if payload.done_on > legal_today():
        raise FieldProblem("done_on", "in-future", _("The inspection cannot be recorded before it is done."))
    found = [
        FoundIssue(rule=issue.rule, severity=issue.severity, description=issue.description) for issue in payload.found
    ]
    try:
        record_inspection(actor=user, inspection=inspection, on=payload.done_on, summary=payload.summary, found=found)
    except ActionRefused as refused:
        raise _as_api(refused) from None
    return _inspection_payload(user, inspection.pk)
