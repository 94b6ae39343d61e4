"""/api/v1/staff: the administrator's staff accounts, as on the site's Staff accounts page
(web/views/staff.py): every account with its roles and jurisdictions, a new official's account, and each
of the page's actions on an account (grant or revoke a role, deactivate, reactivate, reset the password).

The same services (services.accounts.staff: each change one transaction with its audit entry, refused
with nothing changed for anyone but an active administrator) and read model
(queries.staff_account_list). Anyone but an administrator gets 403, whatever the account asked about.

A new account and a reset get a random temporary password, as on the page: it is in that one answer
(``Cache-Control: no-store``), stored only as a hash, never in the audit trail, and never shown again.
With an ``Idempotency-Key`` they act once, and the middleware keeps no copy of the answer (it holds a
secret): a retry gets a 409 saying so, with the account's address (api/idempotency.py).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from vatspilot.api.account_schemas import (
    NewPasswordOut,
    StaffAccountIn,
    StaffAccountOut,
    StaffAction,
    StaffActionIn,
    StaffActionOut,
)
from vatspilot.api.pagination import PageIn, page_of_queryset, page_schema, payload
from vatspilot.api.problems import check_fields_taken
from vatspilot.api.routers.accounts import refusal_of
from vatspilot.api.schemas import ProblemOut
from vatspilot.domain.applications import Role
from vatspilot.queries.staff_account_list import (
    ACCOUNT_ORDER,
    require_administrator,
    staff_account,
    staff_account_rows,
)
from vatspilot.services.accounts import staff

router = Router(tags=["staff"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut, 429: ProblemOut}
# 409: a retry with the same Idempotency-Key while the first request is still being answered.
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 400: ProblemOut, 409: ProblemOut, 413: ProblemOut}
# The services' refusals that name no field, and the body's field each is about.
_FIELDS = {
    "invalid_role": "role",
    "role_held": "role",
    "role_not_held": "role",
    "own_administrator_role": "role",
    "no_jurisdiction": "jurisdictions",
    "unexpected_jurisdiction": "jurisdictions",
    "unknown_jurisdiction": "jurisdictions",
    "username_taken": "username",
}
# What each action takes from the body: (required, optional).
_TAKES: dict[StaffAction, tuple[tuple[str, ...], tuple[str, ...]]] = {
    StaffAction.GRANT: (("role",), ("jurisdictions",)),
    StaffAction.REVOKE: (("role",), ()),
    StaffAction.DEACTIVATE: ((), ()),
    StaffAction.REACTIVATE: ((), ()),
    StaffAction.RESET_PASSWORD: ((), ()),
}


def _caller(request: HttpRequest) -> User:
    return cast(User, request.user)


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "is_active": user.is_active,
        "roles": [
            {"role": held.role, "jurisdictions": sorted(j.code for j in held.jurisdictions.all())}
            for held in user.staff_roles.all()
        ],
    }


def _no_store(response: HttpResponse) -> None:
    # The temporary password is in this answer only: no cache may keep it.
    response["Cache-Control"] = "no-store"


StaffAccountPageOut = page_schema(StaffAccountOut, "StaffAccountPageOut")


class StaffFilterIn(Schema):
    role: Role | None = Field(None, description="Accounts holding this role.")
    active: bool | None = Field(None, description="true: accounts that can sign in; false: deactivated ones.")
    jurisdiction: str | None = Field(
        None, pattern=r"^[0-9]{6}$", description="Local officers covering this province (a code such as 310000)."
    )


@router.get(
    "",
    response={200: StaffAccountPageOut, **ERRORS},
    summary="Accounts and their roles",
    description=(
        "Every account by username, each with its roles and a local officer's jurisdictions, a page at a "
        "time (cursor pagination: follow `next`); filters by role, by whether it is active and by "
        "jurisdiction. The administrator only (403 for anyone else)."
    ),
)
def list_staff_accounts(request: HttpRequest, page: Query[PageIn], filters: Query[StaffFilterIn]) -> Any:
    rows = staff_account_rows(
        _caller(request),
        role=filters.role.value if filters.role else None,
        active=filters.active,
        jurisdiction=filters.jurisdiction,
    )
    found = page_of_queryset(rows, ACCOUNT_ORDER, page)
    return payload(request, found, [_account(user) for user in found.items])


@router.post(
    "",
    response={201: NewPasswordOut, **WRITE_ERRORS},
    summary="Create an official's account",
    description=(
        "A new account holding an official's `role` (a local officer with its `jurisdictions`), audited. "
        "It gets a random temporary password, returned in this answer only (`Cache-Control: no-store`): "
        "hand it to the official. With an Idempotency-Key a retry gets 409 (the answer is never kept). The "
        "administrator only (403 for anyone else); 422 naming the field when the username is taken or not "
        "valid, or the jurisdictions do not suit the role."
    ),
)
def create_staff_account(request: HttpRequest, response: HttpResponse, body: StaffAccountIn) -> Any:
    actor = _caller(request)
    require_administrator(actor)
    try:
        new = staff.create_staff_account(
            actor=actor, username=body.username, email=body.email, role=body.role, jurisdictions=body.jurisdictions
        )
    except ValidationError as error:
        raise refusal_of(error, _FIELDS) from None
    _no_store(response)
    return Status(201, {"account": _account(staff_account(actor, new.user.pk)), "temporary_password": new.password})


def _checked_fields(action: StaffAction, body: StaffActionIn) -> None:
    required, optional = _TAKES[action]
    sent = {name for name, value in body.model_dump().items() if value is not None}
    check_fields_taken(sorted(sent), required, optional)


@router.post(
    "/{int:user_id}/actions/{action}",
    response={200: StaffActionOut, **WRITE_ERRORS},
    summary="Act on an account",
    description=(
        "The Staff accounts page's actions, each audited: `grant` (body: `role`, and a local officer's "
        "`jurisdictions`, which granting that role again replaces), `revoke` (body: `role`), "
        "`deactivate` (it can no longer sign in), `reactivate`, and `reset-password` (a new temporary "
        "password, in this answer only, with `Cache-Control: no-store`, so that a retry with the same "
        "Idempotency-Key gets 409, not the password; its sessions end and a sign-in lock is lifted). The "
        "other actions take `{}`. "
        "The administrator only (403 for anyone else); "
        "404 for no such account; 422 when refused (the role is already held or not held, the account "
        "is already active or inactive, your own account or administrator role)."
    ),
)
def take_staff_account_action(
    request: HttpRequest, response: HttpResponse, user_id: int, action: StaffAction, body: StaffActionIn
) -> Any:
    actor = _caller(request)
    user = staff_account(actor, user_id)
    _checked_fields(action, body)
    password = None
    try:
        if action is StaffAction.GRANT:
            staff.grant_role(actor=actor, user=user, role=str(body.role), jurisdictions=body.jurisdictions or [])
        elif action is StaffAction.REVOKE:
            staff.revoke_role(actor=actor, user=user, role=str(body.role))
        elif action is StaffAction.DEACTIVATE:
            staff.deactivate_account(actor=actor, user=user)
        elif action is StaffAction.REACTIVATE:
            staff.reactivate_account(actor=actor, user=user)
        else:
            new = staff.reset_password(actor=actor, user=user)
            password = new.password
            _no_store(response)
            if new.user.pk == actor.pk and getattr(request, "api_token", None) is None:
                update_session_auth_hash(request, new.user)  # the administrator's own: this session stays
    except (ValidationError, staff.NotAllowed) as error:
        if isinstance(error, staff.NotAllowed):
            error = ValidationError(error.message, code=error.code)
        raise refusal_of(error, _FIELDS) from None
    return {"account": _account(staff_account(actor, user.pk)), "temporary_password": password}
