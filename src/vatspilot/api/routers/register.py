"""/api/v1/register: the public register of licences, searched and read one by one, without signing in
(the read model queries.register, which holds only what a licence states publicly). Rate limited per
address, as every request without sign-in is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.problems import FieldProblem
from vatspilot.api.rendering import unchecked_answer
from vatspilot.api.schemas import ProblemOut, RegisterLicenceOut
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.queries.register import LicensedService, RegisterLicence, register_key, register_licence, search_register
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound

router = Router(tags=["register"], auth=None)

ERRORS: dict[int | str, Any] = {404: ProblemOut, 422: ProblemOut, 429: ProblemOut}
TEXT_LIMIT = 200


def service_payload(service: LicensedService) -> dict[str, Any]:
    """A licensed service with its areas in both languages, as the register and a licence's detail write it."""
    return {
        "code": service.code,
        "name_en": service.name_en,
        "name_zh": service.name_zh,
        "areas_en": list(service.areas_en),
        "areas_zh": list(service.areas_zh),
    }


def licence_payload(licence: RegisterLicence) -> dict[str, Any]:
    return {
        "number": licence.number,
        "holder_name_zh": licence.holder_name_zh,
        "holder_name_en": licence.holder_name_en,
        "uscc": licence.uscc,
        "region": licence.region,
        "services": [service_payload(service) for service in licence.services],
        "conditions": list(licence.conditions),
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
        "status": licence.status.value,
    }


RegisterPageOut = page_schema(RegisterLicenceOut, "RegisterPageOut")


@router.get(
    "",
    response={200: RegisterPageOut, **ERRORS},
    summary="Search the register of licences",
    description="Newest first, a page at a time (cursor pagination: follow `next`).",
)
def search(
    request: HttpRequest,
    page: Query[PageIn],
    text: str = "",
    number: str = "",
    uscc: str = "",
    region: str = "",
    service: str = "",
    status: str = "",
) -> Any:
    for name, value in (("text", text), ("number", number), ("uscc", uscc), ("region", region), ("service", service)):
        if len(value) > TEXT_LIMIT:
            raise FieldProblem(name, "too_long", _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT})
    state = None
    if status:
        try:
            state = LicenceState(status)
        except ValueError:
            known = ", ".join(s.value for s in LicenceState)
            raise FieldProblem("status", "invalid", _("One of: %(values)s.") % {"values": known}) from None
    found = search_register(
        text=text, number=number, uscc=uscc, region=region, service=service, status=state, today=legal_today()
    )
    chosen = page_of_rows(found, register_key, page, descending=True)
    return unchecked_answer(request, payload(request, chosen, [licence_payload(licence) for licence in chosen.items]))


@router.get("/{number}", response={200: RegisterLicenceOut, **ERRORS}, summary="One licence on the register")
def licence(request: HttpRequest, number: str) -> Any:
    found = register_licence(number, today=legal_today())
    if found is None:
        raise NotFound
    return unchecked_answer(request, licence_payload(found))
