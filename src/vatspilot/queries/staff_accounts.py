"""The administrator's list of accounts, each with its roles and their jurisdictions: three queries
however many accounts there are."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Prefetch

from vatspilot.store.models import StaffRole


def staff_accounts() -> list[User]:
    """Every account by username, each with ``staff_roles`` (by role) and their ``jurisdictions`` loaded."""
    roles = StaffRole.objects.prefetch_related("jurisdictions").order_by("role")
    accounts = (
        get_user_model()._default_manager.order_by("username").prefetch_related(Prefetch("staff_roles", queryset=roles))
    )
    return list(accounts)
