"""/api/v1/track: the public tracker (/track/<number>/) without signing in: an application's stages, the
agencies' opinions given or pending (never what they say) and its review clock, by its tracking number
(queries.tracking). Nothing of its content: not the applicant, the dossier, the documents or who acted.
A malformed and an unknown number are the same 404. Rate limited per address, as every request without
sign-in is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from vatspilot.api.portal_schemas import TrackingOut
from vatspilot.api.routers.applications import clock_payload
from vatspilot.api.schemas import ProblemOut
from vatspilot.queries.tracking import Stage, StageState, track
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound

router = Router(tags=["tracking"], auth=None)

ERRORS: dict[int | str, Any] = {404: ProblemOut, 429: ProblemOut}
# The page lists the agencies' opinions under ministerial review once that stage is reached.
_AGENCIES_SHOWN = frozenset({StageState.DONE, StageState.CURRENT})


@router.get(
    "/{tracking_number}",
    response={200: TrackingOut, **ERRORS},
    summary="Track an application by its number",
    description="What the public tracking page shows: the stages reached and their days, the agencies' "
    "opinions given or pending once ministerial review is reached (never their content), and the review "
    "clock (working days used and left, paused for a supplement, stopped once decided). The number is read "
    "as the page reads it (case, spaces and dashes do not matter) and answered in its written form. A "
    "malformed and an unknown number are the same 404.",
)
def track_application(request: HttpRequest, tracking_number: str) -> Any:
    tracking = track(tracking_number, today=legal_today())
    if tracking is None:
        raise NotFound
    ministerial = next(row for row in tracking.stages if row.stage is Stage.MINISTERIAL_REVIEW)
    agencies = tracking.agencies if ministerial.state in _AGENCIES_SHOWN else ()
    return {
        "tracking_number": tracking.number,
        "status": tracking.status,
        "outcome": tracking.outcome,
        "decided_on": tracking.decided_on,
        "supplement_open": tracking.supplement_open,
        "stages": [{"stage": row.stage.value, "state": row.state.value, "since": row.since} for row in tracking.stages],
        "agencies": [{"agency": row.agency, "given": row.given, "on": row.on} for row in agencies],
        "clock": clock_payload(tracking.clock),
    }
