"""The applicant's dossier: opening a draft and changing it, the determination recomputed each time."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.contracts.json_types import JSONObject
from vatspilot.domain.applications import DOSSIER_EDITABLE_STATES, Role, State
from vatspilot.domain.shared.errors import InputError
from vatspilot.services import lifecycle
from vatspilot.services.applications.dossier import dossier_hash_of, recompute_determination
from vatspilot.services.applications.guard_facts import roles_of
from vatspilot.services.applications.lifecycle import APPLICATIONS, input_error_text
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.store.audit import record_audit
from vatspilot.store.models import (
    Application,
    Membership,
    Organisation,
)


def create_application(*, actor: User, organisation: Organisation, on: date) -> Application:
    """A new draft for the organisation; only its members may open one."""
    if not Membership.objects.filter(user=actor, organisation=organisation).exists():
        raise ActionRefused("not-a-member", _("Only a member of the organisation may open an application for it."))
    with transaction.atomic():
        application = Application(organisation=organisation, service_area={"kind": "provincial"})
        application.save()
        record_audit(actor=actor, action="application.created", obj=application, before=None, after={"status": "draft"})
    return application


def update_dossier(
    *,
    actor: User,
    application: Application,
    on: date,
    ownership: list[JSONObject] | None = None,
    services: list[JSONObject] | None = None,
    service_area: JSONObject | None = None,
    dishonest_list: bool | None = None,
    expected_version: int | None = None,
) -> Application:
    """Change the dossier (draft, or while a supplement is requested) and recompute its determination.

    A dossier the engine cannot judge is refused whole, with the field named; nothing is saved. The audit
    entry carries the dossier hash before and after: the opinions and assessments given on the earlier
    one are voided when the supplement is answered (review_actions.answer_supplement).
    """
    with transaction.atomic():
        current = lifecycle.locked(APPLICATIONS, application, expected_version)
        if Role.APPLICANT not in roles_of(actor, current):
            raise ActionRefused("role-not-allowed", _("Only the applicant may change the dossier."))
        if State(current.status) not in DOSSIER_EDITABLE_STATES:
            raise ActionRefused(
                "dossier-locked",
                _("The dossier can only be changed in a draft or while a supplement is requested."),
            )
        before = {
            "ownership": current.ownership,
            "services": current.services,
            "service_area": current.service_area,
            "dishonest_list": current.dishonest_list,
            "dossier_hash": dossier_hash_of(current),
        }
        if ownership is not None:
            current.ownership = ownership
        if services is not None:
            current.services = services
        if service_area is not None:
            current.service_area = service_area
        if dishonest_list is not None:
            current.dishonest_list = dishonest_list
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            # The input error's parameters ride along (input_<name>) so that an edge can word the
            # refusal its own way (web/dossier_errors.py); the message is the contract's wording.
            params = {f"input_{name}": value for name, value in error.params.items()}
            raise ActionRefused(error.code, input_error_text(error), pointer=error.pointer, **params) from None
        current.save_if_unchanged(
            update_fields=[
                "ownership",
                "services",
                "service_area",
                "dishonest_list",
                "determination",
                "rulebook_version",
            ]
        )
        record_audit(
            actor=actor,
            action="application.dossier_changed",
            obj=current,
            before=before,
            after={
                "ownership": current.ownership,
                "services": current.services,
                "service_area": current.service_area,
                "dishonest_list": current.dishonest_list,
                "dossier_hash": dossier_hash_of(current),
                "outcome": current.determination["outcome"] if current.determination else None,
                "rulebook": current.rulebook_version,
            },
        )
    return current
