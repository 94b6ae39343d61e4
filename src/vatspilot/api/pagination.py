"""Cursor pagination for every list of the API: ``?limit=`` (1 to 200, 50 by default) and ``?cursor=``
(the ``next_cursor`` of the page before). A page is ``{"items": [...], "next_cursor": "..." | null,
"next": "/api/v1/...?cursor=..." | null}``.

Keyset, not offset: a cursor holds the sort key of the last row given (base64url JSON), and the next
page starts strictly after it. A row added or removed meanwhile shifts nothing, a page costs the same
however deep it is, and the number of SQL statements does not grow with the page's size. Every ordering
ends with a unique field (the id), so no two rows share a key. A cursor is no secret and gives no reach:
the rows are filtered by what the caller may see before the cursor is applied.

Two forms over one cursor: ``page_of_queryset`` (the database filters and orders; the usual case) and
``page_of_rows`` (a read model that judges some filters on the rows it read, such as the register's
effective status: the rows are already in memory).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import create_model

from vatspilot.api.problems import FieldProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# A cursor is base64url of a short key (well under 100 characters); the bound keeps any request line the API
# answers under Gunicorn's limit (config/gunicorn_conf.py) even when every character is escaped.
CURSOR_MAX_LENGTH = 200

M = TypeVar("M", bound=Model)
R = TypeVar("R")

Key = tuple[Any, ...]


class PageIn(Schema):
    """The page asked for (query parameters)."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (1 to 200).")
    cursor: str | None = Field(
        None,
        max_length=CURSOR_MAX_LENGTH,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The next_cursor of the previous page; leave it out for the first page.",
    )


@dataclass(frozen=True)
class Page(Generic[R]):
    items: list[R]
    next_cursor: str | None


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The response schema of a list of ``item``: ``{items, next_cursor, next}``."""
    return create_model(  # type: ignore[call-overload,no-any-return]
        name,
        __base__=Schema,
        __doc__=f"A page of {item.__name__}: follow `next` (or send `next_cursor` as `cursor`) until it is null.",
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, Field(description="Send as `cursor` for the next page; null on the last page.")),
        next=(str | None, Field(description="The next page's path with the same filters; null on the last page.")),
    )


def payload(request: HttpRequest, page: Page[Any], items: list[Any]) -> dict[str, Any]:
    """The response body: ``items`` (the page's rows as the API writes them) and the way to the next page."""
    following = None
    if page.next_cursor is not None:
        query = [(name, value) for name, value in request.GET.items() if name != "cursor"]
        following = f"{request.path}?{urlencode([*query, ('cursor', page.next_cursor)])}"
    return {"items": items, "next_cursor": page.next_cursor, "next": following}


# --- The cursor ---------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(key: Key) -> str:
    text = json.dumps([_plain(part) for part in key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _bad_cursor() -> FieldProblem:
    detail = _("This cursor was not given by this list; start again without one.")
    return FieldProblem("cursor", "invalid-cursor", detail)


def decode_cursor(cursor: str, parts: int | None) -> list[Any]:
    """The key a cursor holds, as plain JSON values; FieldProblem (a 422 naming ``cursor``) otherwise.
    ``parts``: how many values the list's key has (None when the list cannot say: any number but none)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _bad_cursor() from None
    if not isinstance(key, list) or not key or (parts is not None and len(key) != parts):
        raise _bad_cursor()
    if not all(part is None or (isinstance(part, str | int) and not isinstance(part, bool)) for part in key):
        raise _bad_cursor()
    return key


# --- Over a queryset ----------------------------------------------------------------------------------


def _typed(queryset: QuerySet[Any], ordering: Sequence[str], key: list[Any]) -> list[Any]:
    """The cursor's values read as the ordering's fields read them (a datetime from its ISO text)."""
    typed = []
    for name, value in zip(ordering, key, strict=True):
        field = queryset.model._meta.get_field(name.lstrip("-"))
        try:
            typed.append(field.to_python(value))
        except Exception:  # a ValidationError of whichever kind the field raises: the cursor is not ours
            raise _bad_cursor() from None
        if typed[-1] is None:
            raise _bad_cursor()
    return typed


def _after(ordering: Sequence[str], key: list[Any]) -> Q:
    """Rows strictly after ``key`` in ``ordering``: (a > x) or (a = x and b > y) or ..., each comparison
    turned for a descending field."""
    condition = Q()
    for position, name in enumerate(ordering):
        field = name.lstrip("-")
        comparison = "lt" if name.startswith("-") else "gt"
        step = Q(**{f"{field}__{comparison}": key[position]})
        for earlier in range(position):
            step &= Q(**{ordering[earlier].lstrip("-"): key[earlier]})
        condition |= step
    return condition


def page_of_queryset(queryset: QuerySet[M], ordering: Sequence[str], page: PageIn) -> Page[M]:
    """One page of ``queryset`` in ``ordering`` (model fields, none nullable, the last unique)."""
    ordered = queryset.order_by(*ordering)
    if page.cursor:
        key = _typed(queryset, ordering, decode_cursor(page.cursor, len(ordering)))
        ordered = ordered.filter(_after(ordering, key))
    rows = list(ordered[: page.limit + 1])
    if len(rows) <= page.limit:
        return Page(items=rows, next_cursor=None)
    rows = rows[: page.limit]
    last = rows[-1]
    return Page(items=rows, next_cursor=encode_cursor(tuple(getattr(last, name.lstrip("-")) for name in ordering)))


# --- Over rows already read ---------------------------------------------------------------------------


def page_of_rows(rows: Sequence[R], key: Callable[[R], Key], page: PageIn, *, descending: bool = False) -> Page[R]:
    """One page of ``rows``, which are in ascending (or, with ``descending``, descending) order of ``key``
    (plain values: str, int, date; the last part unique). A cursor's key is compared with each row's key
    as plain JSON values."""
    start = 0
    if page.cursor and not rows:
        decode_cursor(page.cursor, None)  # an empty list still refuses a cursor it could never have given
    if page.cursor and rows:
        after = tuple(decode_cursor(page.cursor, len(key(rows[0]))))
        start = len(rows)
        for position, row in enumerate(rows):
            if _beyond(tuple(_plain(part) for part in key(row)), after, descending):
                start = position
                break
    chosen = list(rows[start : start + page.limit + 1])
    if len(chosen) <= page.limit:
        return Page(items=chosen, next_cursor=None)
    chosen = chosen[: page.limit]
    return Page(items=chosen, next_cursor=encode_cursor(key(chosen[-1])))


def _beyond(row: Key, after: Key, descending: bool) -> bool:
    try:
        return row < after if descending else row > after
    except TypeError:  # a part of another type than the list's keys: not a cursor this list gave
        raise _bad_cursor() from None
