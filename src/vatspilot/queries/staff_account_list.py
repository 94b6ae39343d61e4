"""The administrator's list of accounts (the staff page, queries/staff_accounts.py) a page at a time, with
filters, for the API's /staff: every account, each with its roles (by role) and their jurisdictions
loaded, in three queries however many accounts a page holds (and one for the reader's role). Only an
active administrator reads it (NotAllowed, a PermissionDenied, for anyone else)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.access import NotFound, is_administrator
from vatspilot.store.models import Role, StaffRole

# By username, as on the staff page; the id breaks no ties (usernames are unique) but keeps the key unique.
ACCOUNT_ORDER = ("username", "id")


def _accounts() -> QuerySet[User]:
    roles = StaffRole.objects.prefetch_related("jurisdictions").order_by("role")
    return get_user_model()._default_manager.prefetch_related(Prefetch("staff_roles", queryset=roles))


def require_administrator(reader: User) -> None:
    """NotAllowed unless ``reader`` is an active administrator (the one who reads and manages accounts)."""
    if not is_administrator(reader):
        raise NotAllowed("not_administrator", _("Only an administrator manages staff accounts."))


def staff_account_rows(
    reader: User, *, role: Role | None = None, active: bool | None = None, jurisdiction: str | None = None
) -> QuerySet[User]:
    """Every account, or those holding ``role``, active or not, or a local officer covering ``jurisdiction``
    (a province-level code)."""
    require_administrator(reader)
    rows = _accounts()
    if role is not None:
        rows = rows.filter(staff_roles__role=role)
    if jurisdiction is not None:
        rows = rows.filter(staff_roles__jurisdictions__code=jurisdiction)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.distinct()


def staff_account(reader: User, user_id: int) -> User:
    """One account with its roles and jurisdictions loaded; NotAllowed for anyone but an administrator,
    NotFound when there is no such account."""
    require_administrator(reader)
    account = _accounts().filter(pk=user_id).first()
    if account is None:
        raise NotFound("account not found")
    return account
