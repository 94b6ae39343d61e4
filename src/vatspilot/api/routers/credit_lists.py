"""/api/v1/lists: the public bad-record and dishonest lists (Order 42 Art. 37), as the site's /lists/
shows them, without signing in (the read models queries.credit_lists and queries.credit_list_pages, which
hold nothing personal). Rate limited per address, as every request without sign-in is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from vatspilot.api.exit_schemas import CreditListEntryOut, EntryStatus
from vatspilot.api.pagination import PageIn, page_of_queryset, page_schema, payload
from vatspilot.api.schemas import ProblemOut
from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.queries.credit_list_pages import LIST_ORDER, credit_list_entries, listed_entries
from vatspilot.queries.credit_lists import ListedEntry

router = Router(tags=["lists"], auth=None)

ERRORS: dict[int | str, Any] = {422: ProblemOut, 429: ProblemOut}


def _entry(entry: ListedEntry) -> dict[str, Any]:
    return {
        "list": entry.list.value,
        "name": entry.name,
        "uscc": entry.uscc,
        "licence_number": entry.licence_number,
        "listed_on": entry.listed_on,
        "reason": entry.reason,
        "listing_authority": entry.listing_authority,
        "removed_on": entry.removed_on,
        "removal_reason": entry.removal_reason,
    }


# The query parameter is `list`, as the lists call an entry's list; a Python name of its own here.
LIST_PARAMETER: Any = Query(None, alias="list", description="Keep one list.")  # type: ignore[type-arg]
CreditListPageOut = page_schema(CreditListEntryOut, "CreditListPageOut")


@router.get(
    "",
    response={200: CreditListPageOut, **ERRORS},
    summary="The bad-record and dishonest lists",
    description=(
        "No sign-in. Every entry of both lists, newest listing first, a page at a time (cursor pagination: "
        "follow `next`): `list` keeps one list, `status` the entries in force or the removed ones (a removal "
        "is published with its date and reason, not erased). Each entry as the lists publish it: the "
        "enterprise, its USCC and licence number, the date, reason and listing authority."
    ),
)
def list_credit_entries(
    request: HttpRequest,
    page: Query[PageIn],
    kind: CreditList | None = LIST_PARAMETER,
    status: EntryStatus | None = None,
) -> Any:
    removed = None if status is None else status is EntryStatus.REMOVED
    found = page_of_queryset(credit_list_entries(kind=kind, removed=removed), LIST_ORDER, page)
    return payload(request, found, [_entry(entry) for entry in listed_entries(found.items)])
