"""What the accounts and staff operations of the API send and accept (routers/accounts.py, routers/staff.py).
Request schemas are strict: a field of the wrong type or one the API does not know is refused (422)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from vatspilot.services.accounts.registration import EMAIL_LIMIT

Language = Literal["en", "zh-hans"]


# --- Who the caller is -------------------------------------------------------------------------------


class JurisdictionOut(Schema):
    code: str = Field(description="GB/T 2260 code of the province-level division.")
    name_en: str
    name_zh: str


class HeldRoleOut(Schema):
    role: str = Field(description="applicant, local_officer, miit_reviewer, cac_reviewer, mps_reviewer, ...")
    jurisdictions: list[JurisdictionOut] = Field(description="A local officer's provinces; empty for other roles.")


class MembershipOut(Schema):
    id: int = Field(description="The organisation's id.")
    name: str
    name_zh: str
    uscc: str
    membership: Literal["admin", "member"] = Field(description="An admin member invites the others.")


class TokenInfoOut(Schema):
    name: str
    prefix: str
    scope: Literal["read", "write"]


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    roles: list[HeldRoleOut]
    organisations: list[MembershipOut]
    token: TokenInfoOut | None = Field(
        description="The personal API token the request was sent with; null for a signed-in session."
    )


# --- An organisation's members and invitations -------------------------------------------------------


class MemberOut(Schema):
    username: str
    name: str
    email: str
    membership: Literal["admin", "member"]
    joined_at: datetime


class InvitationOut(Schema):
    id: int
    email: str
    status: Literal["pending", "accepted", "revoked"] = Field(description="revoked: withdrawn by an admin member.")
    sent_at: datetime
    expires_at: datetime = Field(description="When the invitation's link stops working (seven days after sending).")
    expired: bool = Field(description="Pending, but its link has expired: the invitee can no longer accept.")
    can_revoke: bool = Field(description="Pending and not expired: it may still be withdrawn.")


class InvitationIn(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")

    email: str = Field(max_length=EMAIL_LIMIT, description="The address the invitation's link is sent to.")
    language: Language = Field(description="The language the e-mail is written in.")


# --- Staff accounts ----------------------------------------------------------------------------------


class StaffAction(StrEnum):
    """What the administrator does to an account (the staff page's buttons)."""

    GRANT = "grant"
    REVOKE = "revoke"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    RESET_PASSWORD = "reset-password"


StaffRoleName = Literal[
    "local_officer", "miit_reviewer", "cac_reviewer", "mps_reviewer", "security_expert", "inspector", "administrator"
]


class StaffRoleOut(Schema):
    role: str
    jurisdictions: list[str] = Field(description="A local officer's provinces (GB/T 2260 codes).")


class StaffAccountOut(Schema):
    id: int
    username: str
    email: str
    is_active: bool
    roles: list[StaffRoleOut]


class NewPasswordOut(Schema):
    account: StaffAccountOut
    temporary_password: str = Field(
        description="Shown in this answer only (Cache-Control: no-store) and stored only as a hash: hand it "
        "to the account's holder, who signs in with it."
    )


class StaffActionOut(Schema):
    account: StaffAccountOut
    temporary_password: str | None = Field(
        description="reset-password only: the new temporary password, in this answer only; null otherwise."
    )


class StaffAccountIn(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")

    username: str = Field(min_length=1, max_length=150)
    email: str = Field("", max_length=254, description="Optional.")
    role: StaffRoleName
    jurisdictions: list[str] = Field(
        default_factory=list, max_length=40, description="A local officer's provinces (codes such as 310000)."
    )


class StaffActionIn(Schema):
    """grant: role (and a local officer's jurisdictions); revoke: role; the other actions take nothing."""

    model_config = ConfigDict(strict=True, extra="forbid")

    role: StaffRoleName | None = None
    jurisdictions: list[str] | None = Field(None, max_length=40)
