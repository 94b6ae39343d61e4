"""Who hears of what: the recipients of each kind of notification on an application.

- application.submitted: the local officers covering the application's jurisdiction (formal review);
- application.supplement_requested, .approved, .refused: the members of the applicant organisation;
- application.supplement_answered, .clock_due_soon, .clock_overdue: whoever holds the file, that is
  the local officers of the jurisdiction during formal review and preliminary assessment, the MIIT
  reviewers during ministerial review and on-site verification (during a supplement, the authority
  that asked for it and waits for the answer);
- application.opinion_requested: every MIIT, CAC and MPS reviewer and security expert;
- application.onsite_ordered: every inspector;
- application.withdrawn: the members, and whoever held the file when it was withdrawn;
- licence.suspended, .reinstated, .scope_reduced, .revoked: the members of the holder, the organisation
  whose application the licence was issued on.
- licence.filing_approved, .filing_refused: the same members (the holder filed it).
- licence.exit_required, .exit_confirmed, .exit_sent_back: the same members (the holder exits);
- licence.exit_done_reported: the MIIT reviewers and the local officers of the application's jurisdiction.
- report.due_soon: the members of the holder; report.listing_proposed: the MIIT reviewers and the local
  officers of the application's jurisdiction (they supervise the licensee).

Only active users are notified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services.notifications.kinds import NotificationKind
from vatspilot.services.notifications.messages import message_of
from vatspilot.store.models import (
    AccountEmail,
    Application,
    ApplicationEvent,
    LanguagePreference,
    Membership,
    StaffRole,
)

# The kinds the applicant organisation's members hear of: the application's outcome and, once it holds
# the licence the application led to, the authority's decisions on that licence.
_TO_MEMBERS: frozenset[str] = frozenset(
    {
        NotificationKind.SUPPLEMENT_REQUESTED,
        NotificationKind.APPROVED,
        NotificationKind.REFUSED,
        NotificationKind.LICENCE_SUSPENDED,
        NotificationKind.LICENCE_REINSTATED,
        NotificationKind.LICENCE_SCOPE_REDUCED,
        NotificationKind.LICENCE_REVOKED,
        NotificationKind.LICENCE_CANCELLED,
        NotificationKind.LICENCE_EXPIRY_REMINDER,
        NotificationKind.LICENCE_FILING_APPROVED,
        NotificationKind.LICENCE_FILING_REFUSED,
        NotificationKind.LICENCE_EXIT_REQUIRED,
        NotificationKind.LICENCE_EXIT_CONFIRMED,
        NotificationKind.LICENCE_EXIT_SENT_BACK,
        NotificationKind.REPORT_DUE_SOON,
    }
)

# Who holds the file in each status, i.e. whose move it is and whose review clock is running.
HOLDER_OF_STATUS: Mapping[str, Role] = {
    State.SUBMITTED: Role.LOCAL_OFFICER,
    State.FORMAL_SUPPLEMENT: Role.LOCAL_OFFICER,
    State.PRELIMINARY_ASSESSMENT: Role.LOCAL_OFFICER,
    State.MINISTERIAL_REVIEW: Role.MIIT_REVIEWER,
    State.MINISTERIAL_SUPPLEMENT: Role.MIIT_REVIEWER,
    State.ONSITE_VERIFICATION: Role.MIIT_REVIEWER,
}


def recipients_for(kind: str, application: Application) -> list[User]:
    """The active users who should hear of ``kind`` on ``application`` (see the module's rules)."""
    message_of(kind)  # an unknown kind is refused before anyone is looked up
    who: list[_Ids | None]
    if kind in _TO_MEMBERS:
        who = [_members(application)]
    elif kind == NotificationKind.SUBMITTED:
        who = [_holders(application, State.SUBMITTED)]
    elif kind == NotificationKind.OPINION_REQUESTED:
        who = [_with_roles(Role.MIIT_REVIEWER, Role.CAC_REVIEWER, Role.MPS_REVIEWER, Role.SECURITY_EXPERT)]
    elif kind == NotificationKind.ONSITE_ORDERED:
        who = [_with_roles(Role.INSPECTOR)]
    elif kind == NotificationKind.WITHDRAWN:
        who = [_members(application), _holders(application, _status_before_withdrawal(application))]
    elif kind in (NotificationKind.LICENCE_EXIT_DONE_REPORTED, NotificationKind.REPORT_LISTING_PROPOSED):
        # The supervisors of the exit: MIIT, and the local officers covering the holder's jurisdiction.
        who = [_with_roles(Role.MIIT_REVIEWER), _local_officers(application)]
    else:  # supplement answered, clock alerts
        who = [_holders(application, application.status)]
    return _active_users([part for part in who if part is not None])


# Who is who, as SQL: each rule a query of user ids. SQL rather than ORM querysets because every
# transition routes a notification, and building the ORM's nested query cost several times its round
# trip (see bench/review_transitions_profile.py).
_Ids = tuple[str, list[Any]]  # (SQL selecting user ids, its parameters)
_USERS = get_user_model()._meta.db_table
_MEMBERSHIPS = Membership._meta.db_table
_STAFF = StaffRole._meta.db_table
_STAFF_JURISDICTIONS = StaffRole.jurisdictions.through._meta.db_table
_LANGUAGES = LanguagePreference._meta.db_table
_EMAILS = AccountEmail._meta.db_table


def _active_users(who: list[_Ids]) -> list[User]:
    if not who:
        return []
    union = " UNION ".join(sql for sql, _params in who)
    params = [True, *(param for _sql, params in who for param in params)]
    # Each reader's language read with them (services.accounts.language), not in a query of its own.
    query = (
        f"SELECT u.*, p.language AS chosen_language, e.language AS registered_language FROM {_USERS} u"
        f" LEFT JOIN {_LANGUAGES} p ON p.user_id = u.id LEFT JOIN {_EMAILS} e ON e.user_id = u.id"
        f" WHERE u.is_active = %s AND u.id IN ({union}) ORDER BY u.id"
    )
    return list(get_user_model().objects.raw(query, params))


def _members(application: Application) -> _Ids:
    return f"SELECT user_id FROM {_MEMBERSHIPS} WHERE organisation_id = %s", [application.organisation_id]


def _with_roles(*roles: Role) -> _Ids:
    places = ", ".join(["%s"] * len(roles))
    return f"SELECT user_id FROM {_STAFF} WHERE role IN ({places})", [role.value for role in roles]


def _holders(application: Application, status: str | None) -> _Ids | None:
    role = HOLDER_OF_STATUS.get(status or "")
    if role is None:
        return None
    if role == Role.LOCAL_OFFICER:
        # A local officer covers only the provinces named on their role.
        return (
            f"SELECT s.user_id FROM {_STAFF} s JOIN {_STAFF_JURISDICTIONS} j ON j.staffrole_id = s.id"
            " WHERE s.role = %s AND j.jurisdiction_id = %s",
            [role.value, application.jurisdiction_id],
        )
    return _with_roles(role)


def _status_before_withdrawal(application: Application) -> str | None:
    status: str | None = application.status
    if status == State.WITHDRAWN:
        # By the time the withdrawal is announced the status says only "withdrawn"; the timeline knows.
        withdrawals = ApplicationEvent.objects.filter(application=application, action=Action.WITHDRAW)
        status = withdrawals.order_by("-at", "-id").values_list("from_state", flat=True).first()
    return status


def _local_officers(application: Application) -> _Ids:
    """The local officers whose role names the application's jurisdiction."""
    return (
        f"SELECT s.user_id FROM {_STAFF} s JOIN {_STAFF_JURISDICTIONS} j ON j.staffrole_id = s.id"
        " WHERE s.role = %s AND j.jurisdiction_id = %s",
        [Role.LOCAL_OFFICER.value, application.jurisdiction_id],
    )
