"""The holder's application for voluntary cancellation of its licence. Filing it changes no status: it
records the day (`Licence.cancellation_requested_on`, the fact the table's cancel row is guarded by) and
an audit entry; MIIT then cancels through the machine (services.licences.actions.cancel_licence)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.domain.licences.lifecycle import LicenceRole, LicenceState
from vatspilot.services.licences.lifecycle import LICENCES, roles_of
from vatspilot.services.lifecycle import ActionRefused, locked
from vatspilot.store.audit import AuditSubject, record_audit
from vatspilot.store.models import Licence

__all__ = ["may_request_cancellation", "request_cancellation"]

_LIVE = frozenset({LicenceState.VALID.value, LicenceState.SUSPENDED.value})


def may_request_cancellation(actor: User, licence: Licence) -> bool:
    """Whether the page offers ``actor`` the request: a member of the holder, for a valid or suspended
    licence not yet asked to be cancelled."""
    return (
        licence.status in _LIVE
        and licence.cancellation_requested_on is None
        and LicenceRole.HOLDER in roles_of(actor, licence)
    )


def request_cancellation(*, actor: User, licence: Licence, on: date, expected_version: int | None = None) -> Licence:
    """Record the holder's application for cancellation on ``on``; the licence as it now stands. Refused
    (nothing written) for anyone but a member of the holder, for a licence no longer valid or suspended,
    and when the holder has already applied."""
    with transaction.atomic():
        current = locked(LICENCES, licence, expected_version)
        if LicenceRole.HOLDER not in roles_of(actor, current):
            raise ActionRefused("role-not-allowed", _("Only the licence holder may apply for its cancellation."))
        if current.status not in _LIVE:
            raise ActionRefused("action-not-allowed-in-state", _("Only a valid or suspended licence can be cancelled."))
        if current.cancellation_requested_on is not None:
            raise ActionRefused(
                "already-requested",
                _("The holder applied for this licence's cancellation on %(on)s.")
                % {"on": current.cancellation_requested_on.isoformat()},
            )
        before = {"cancellation_requested_on": None, "version": current.version}
        current.cancellation_requested_on = on
        current.save_if_unchanged(update_fields=["cancellation_requested_on"])
        record_audit(
            actor=actor,
            action="licence.cancellation_requested",
            obj=AuditSubject(LICENCES.audit_type, str(current.pk)),
            before=before,
            after={"cancellation_requested_on": on.isoformat(), "version": current.version},
        )
    return current
