"""/api/v1/me and /api/v1/organisations/{id}/...: who the caller is, an organisation's members and the
invitations its admin members send and withdraw, as on the site's Members page (web/views/accounts.py):
the same services (services.accounts.invitations, which checks the actor, audits the change and queues
the invitation's e-mail after the commit) and read models (queries.caller_profile,
queries.organisation_roster).

The organisation is fetched through store.access: missing and not yours to see are the same 404. Its
members are read by its members only, its invitations by its admin members only, and only an admin
member invites or withdraws an invitation: anyone else who sees the organisation gets 403.

Registering an enterprise, confirming an address, resetting a password and accepting an invitation are
not in the API: each sets a password, and each is a public form with its own protections (docs/api.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from vatspilot.api.account_schemas import InvitationIn, InvitationOut, MemberOut, MeOut
from vatspilot.api.pagination import PageIn, page_of_queryset, page_of_rows, page_schema, payload
from vatspilot.api.schemas import ProblemOut
from vatspilot.queries.caller_profile import caller_profile
from vatspilot.queries.organisation_members import SentInvitation
from vatspilot.queries.organisation_roster import (
    INVITATION_ORDER,
    invitation_rows,
    member_key,
    member_rows,
    organisation_invitation,
    roster_member,
    sent_invitation,
)
from vatspilot.services.accounts import invitations
from vatspilot.services.lifecycle.errors import ActionRefused
from vatspilot.store.access import NotFound, access_organisation
from vatspilot.store.models import InvitationStatus

router = Router(tags=["accounts"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut, 429: ProblemOut}
# 409: a retry with the same Idempotency-Key while the first request is still being answered.
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 400: ProblemOut, 409: ProblemOut, 413: ProblemOut}


def _caller(request: HttpRequest) -> User:
    return cast(User, request.user)


def refusal_of(error: ValidationError, fields: dict[str, str] | None = None) -> ActionRefused:
    """A service's ValidationError as a refusal (422): its first error's code and words, and the field it
    names; ``fields`` maps the code of an error that names no field to the field it is about."""
    field: str | None = None
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        first = errors[0]
    else:
        first = error.error_list[0]
    code = first.code or "invalid"
    message = " ".join(ValidationError(first).messages)
    if field in (None, "__all__"):
        field = (fields or {}).get(code)
    return ActionRefused(code, message, **({"pointer": "/" + field} if field else {}))


# --- Who the caller is --------------------------------------------------------------------------------


@router.get(
    "/me",
    response={200: MeOut, 401: ProblemOut, 429: ProblemOut},
    summary="Who you are",
    description=(
        "Your account, the roles you hold (a local officer's with the provinces covered), the "
        "organisations you are a member of with your membership (`admin` members invite the others), "
        "and the token the request was sent with (its scope), or null for a signed-in session."
    ),
)
def get_me(request: HttpRequest) -> Any:
    user = _caller(request)
    profile = caller_profile(user)
    token = getattr(request, "api_token", None)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.first_name,
        "email": user.email,
        "roles": [
            {
                "role": held.role,
                "jurisdictions": [
                    {"code": j.code, "name_en": j.name_en, "name_zh": j.name_zh} for j in held.jurisdictions
                ],
            }
            for held in profile.roles
        ],
        "organisations": [
            {
                "id": entry.organisation.pk,
                "name": entry.organisation.name,
                "name_zh": entry.organisation.name_zh,
                "uscc": entry.organisation.uscc,
                "membership": "admin" if entry.is_admin else "member",
            }
            for entry in profile.organisations
        ],
        "token": None if token is None else {"name": token.name, "prefix": token.prefix, "scope": token.scope},
    }


# --- Members and invitations --------------------------------------------------------------------------

MemberPageOut = page_schema(MemberOut, "MemberPageOut")
InvitationPageOut = page_schema(InvitationOut, "InvitationPageOut")


def _invitation(invitation: SentInvitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "status": invitation.status,
        "sent_at": invitation.sent,
        "expires_at": invitation.expires,
        "expired": invitation.expired,
        "can_revoke": invitation.can_revoke,
    }


def _now() -> datetime:
    return timezone.now()


@router.get(
    "/organisations/{int:organisation_id}/members",
    response={200: MemberPageOut, **ERRORS},
    summary="An organisation's members",
    description=(
        "Admin members first, then in the order they joined, a page at a time (cursor pagination: follow "
        "`next`). For the organisation's members only: 403 for anyone else who sees the organisation, "
        "404 for the rest."
    ),
)
def list_members(request: HttpRequest, organisation_id: int, page: Query[PageIn]) -> Any:
    user = _caller(request)
    organisation = access_organisation(user, organisation_id)
    found = page_of_rows(member_rows(user, organisation), member_key, page)
    items = []
    for membership in found.items:
        member = roster_member(membership)
        items.append(
            {
                "username": member.username,
                "name": member.name,
                "email": member.email,
                "membership": "admin" if member.is_admin else "member",
                "joined_at": member.joined,
            }
        )
    return payload(request, found, items)


class InvitationFilterIn(Schema):
    status: InvitationStatus | None = Field(None, description="pending, accepted or revoked (withdrawn).")


@router.get(
    "/organisations/{int:organisation_id}/invitations",
    response={200: InvitationPageOut, **ERRORS},
    summary="An organisation's invitations",
    description=(
        "The invitations sent, newest first, with their state (a pending one past its seven days is "
        "`expired`), a page at a time. For the organisation's admin members only, as on the Members "
        "page: 403 for anyone else who sees the organisation, 404 for the rest."
    ),
)
def list_invitations(
    request: HttpRequest, organisation_id: int, page: Query[PageIn], filters: Query[InvitationFilterIn]
) -> Any:
    user = _caller(request)
    organisation = access_organisation(user, organisation_id)
    found = page_of_queryset(invitation_rows(user, organisation, status=filters.status), INVITATION_ORDER, page)
    now = _now()
    return payload(request, found, [_invitation(sent_invitation(row, now=now)) for row in found.items])


@router.post(
    "/organisations/{int:organisation_id}/invitations",
    response={201: InvitationOut, **WRITE_ERRORS},
    summary="Invite someone to the organisation",
    description=(
        "An admin member invites an e-mail address: the invitation's link is e-mailed (in `language`) "
        "once the invitation is saved, valid seven days; the invitee accepts it on the site, choosing a "
        "password, and joins as a member. 403 unless you are an admin member; 422 (`field` /email) when "
        "the address is not one, is already a member's (`already_member`) or has a pending invitation "
        "(`already_invited`)."
    ),
)
def invite_member(request: HttpRequest, organisation_id: int, body: InvitationIn) -> Any:
    user = _caller(request)
    organisation = access_organisation(user, organisation_id)
    try:
        invitation = invitations.invite_member(
            actor=user, organisation=organisation, email=body.email, language=body.language
        )
    except ValidationError as error:
        raise refusal_of(error) from None
    return Status(201, _invitation(sent_invitation(invitation, now=_now())))


@router.post(
    "/organisations/{int:organisation_id}/invitations/{int:invitation_id}/revoke",
    response={200: InvitationOut, **WRITE_ERRORS},
    summary="Withdraw an invitation",
    description=(
        "An admin member withdraws a pending invitation: its link stops working. 403 unless you are an "
        "admin member; 404 when the organisation has no such invitation; 422 (`not_pending`) once it was "
        "accepted or withdrawn."
    ),
)
def revoke_invitation(request: HttpRequest, organisation_id: int, invitation_id: int) -> Any:
    user = _caller(request)
    organisation = access_organisation(user, organisation_id)
    invitation = organisation_invitation(organisation, invitation_id)
    if invitation is None:
        raise NotFound("invitation not found")
    now = _now()
    try:
        revoked = invitations.revoke_invitation(actor=user, invitation=invitation, now=now)
    except ValidationError as error:
        raise refusal_of(error) from None
    return _invitation(sent_invitation(revoked, now=now))
