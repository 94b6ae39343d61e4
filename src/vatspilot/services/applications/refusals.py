"""Why an action was refused, in words the user reads (the domain gives only codes)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vatspilot.domain.applications import TransitionRefused
from vatspilot.services.applications.dossier import missing_items
from vatspilot.services.vocabulary import STATES
from vatspilot.store.models import Application


def describe_refusal(refused: TransitionRefused, application: Application) -> str:
    code = refused.code
    if code == "action-not-allowed-in-state":
        state = str(refused.params["state"])
        return _("This action is not possible while the application is at this stage: %(state)s.") % {
            "state": STATES.get(state, state)
        }
    if code == "role-not-allowed":
        return _("Your role may not take this action on this application.")
    guard = str(refused.params.get("guard", ""))
    if guard == "determination_eligible" and refused.params.get("action") == "approve":
        return _("Approval needs the determination on the decision day to find every service eligible: %(missing)s") % {
            "missing": "; ".join(missing_items(application))
        }
    if guard in ("documents_complete", "determination_eligible", "dossier_ready"):
        return _("The dossier is not ready: %(missing)s") % {"missing": "; ".join(missing_items(application))}
    messages = {
        "no_earlier_correction_notice": _(
            "A correction notice was already sent: the one notice must list everything missing."
        ),
        "agency_opinion_not_recorded": _("Your agency has already recorded its opinion on this application."),
        "security_assessment_not_recorded": _("The security assessment has already been recorded."),
        "reviews_on_current_dossier": _(
            "The dossier changed after an opinion or the security assessment was given: they must be given "
            "again on the dossier as it stands."
        ),
        "all_agencies_concur": _("Approval needs the concurrence of MIIT, the CAC and the MPS."),
        "security_assessment_positive": _("Approval needs a positive security assessment."),
    }
    return messages.get(guard, _("The action is not allowed now (%(code)s).") % {"code": code})
