"""Why an action is not open yet, in words: "Approve: waiting for the CAC opinion and the expert
assessment". The conditions come from the transition table's guards (queries/application_review.py);
this module only words them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vatspilot.queries.application_review import BlockedAction, Blocker
from vatspilot.services.vocabulary import label


def _agency(code: str) -> str:
    names = {"miit": _("MIIT"), "cac": _("CAC"), "mps": _("MPS")}
    return names.get(code, code.upper())


def _and(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c" in the reader's language."""
    if len(items) <= 1:
        return "".join(items)
    return pgettext("list of reasons", "%(items)s and %(last)s") % {
        "items": pgettext("list separator", ", ").join(items[:-1]),
        "last": items[-1],
    }


def _parts(blocker: Blocker) -> tuple[list[str], list[str]]:
    """What is awaited, and what else stands in the way."""
    waiting: list[str] = []
    other: list[str] = []
    guard = blocker.guard
    if guard == "all_agencies_concur":
        waiting += [_("the %(agency)s opinion") % {"agency": _agency(a)} for a in blocker.waiting]
        other += [_("%(agency)s objected") % {"agency": _agency(a)} for a in blocker.objecting]
    elif guard == "security_assessment_positive":
        if blocker.assessment == "missing":
            waiting.append(_("the expert assessment"))
        else:
            other.append(_("the expert assessment is negative"))
    elif guard == "documents_complete":
        waiting.append(_("the documents the determination requires"))
    elif guard == "determination_eligible":
        other.append(_("the determination does not find every requested service eligible"))
    elif guard == "reviews_on_current_dossier":
        other.append(
            _("a review on record was given on an earlier version of the dossier (%(agencies)s)")
            % {"agencies": pgettext("list separator", ", ").join(_agency(a) for a in blocker.waiting)}
        )
    elif guard == "no_earlier_correction_notice":
        other.append(_("a correction notice was already sent, and one notice lists everything"))
    elif guard == "agency_opinion_not_recorded":
        other.append(_("your agency's opinion on the dossier as it stands is already recorded"))
    elif guard == "security_assessment_not_recorded":
        other.append(_("the security assessment on the dossier as it stands is already recorded"))
    else:
        other.append(_("a condition is not met (%(guard)s)") % {"guard": guard})
    return waiting, other


def reason_text(blocked: BlockedAction) -> str:
    """One line: the action, then what it waits for and what else stands in the way."""
    waiting: list[str] = []
    other: list[str] = []
    for blocker in blocked.blockers:
        w, o = _parts(blocker)
        waiting += w
        other += o
    reasons = []
    if waiting:
        reasons.append(_("waiting for %(items)s") % {"items": _and(waiting)})
    reasons += other
    return _("%(action)s: %(reasons)s") % {
        "action": label("action", blocked.action),
        "reasons": pgettext("list separator between reasons", "; ").join(reasons),
    }
