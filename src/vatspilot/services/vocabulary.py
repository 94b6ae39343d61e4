"""The words the pages use for the domain's codes (states, actions, clock statuses, determination
values), in the user's language. The domain keeps codes only; their names for people live here."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from vatspilot.domain.applications import Action, DeadlineStatus, State
from vatspilot.domain.licences.exit import ExitAction, ExitState
from vatspilot.domain.licences.filings import ChangeKind, FilingAction, FilingKind, FilingState
from vatspilot.domain.licences.lifecycle import LicenceAction, LicenceState
from vatspilot.domain.supervision.findings import FindingAction, FindingState, Severity
from vatspilot.store.models import AssessmentResult, DocumentKind, OpinionKind, Role

STATES: Mapping[str, StrOrPromise] = {
    State.DRAFT: _("Draft"),
    State.SUBMITTED: _("Submitted: formal review"),
    State.FORMAL_SUPPLEMENT: _("Correction requested (formal review)"),
    State.PRELIMINARY_ASSESSMENT: _("Accepted: preliminary assessment"),
    State.MINISTERIAL_REVIEW: _("Ministerial review"),
    State.MINISTERIAL_SUPPLEMENT: _("Supplement requested (ministerial review)"),
    State.ONSITE_VERIFICATION: _("On-site verification"),
    State.APPROVED: _("Approved"),
    State.REFUSED: _("Refused"),
    State.WITHDRAWN: _("Withdrawn"),
}

# What a button says.
ACTIONS: Mapping[str, StrOrPromise] = {
    Action.SUBMIT: _("Submit the application"),
    Action.REQUEST_SUPPLEMENT: _("Request a supplement"),
    Action.ANSWER_SUPPLEMENT: _("Answer the supplement request"),
    Action.ACCEPT: _("Accept the application"),
    Action.REFUSE: _("Refuse the application"),
    Action.COMPLETE_PRELIMINARY_ASSESSMENT: _("Complete the preliminary assessment"),
    Action.RECORD_OPINION: _("Record the agency's opinion"),
    Action.RECORD_SECURITY_ASSESSMENT: _("Record the security assessment"),
    Action.ORDER_ONSITE_VERIFICATION: _("Order on-site verification"),
    Action.COMPLETE_ONSITE_VERIFICATION: _("Complete on-site verification"),
    Action.APPROVE: _("Approve and grant the licence"),
    Action.WITHDRAW: _("Withdraw the application"),
}

# What the timeline says happened.
EVENTS: Mapping[str, StrOrPromise] = {
    "create": _("Created"),
    Action.SUBMIT: _("Submitted"),
    Action.REQUEST_SUPPLEMENT: _("Supplement requested"),
    Action.ANSWER_SUPPLEMENT: _("Supplement answered"),
    Action.ACCEPT: _("Accepted"),
    Action.REFUSE: _("Refused"),
    Action.COMPLETE_PRELIMINARY_ASSESSMENT: _("Preliminary assessment completed"),
    Action.RECORD_OPINION: _("Opinion recorded"),
    Action.RECORD_SECURITY_ASSESSMENT: _("Security assessment recorded"),
    Action.ORDER_ONSITE_VERIFICATION: _("On-site verification ordered"),
    Action.COMPLETE_ONSITE_VERIFICATION: _("On-site verification completed"),
    Action.APPROVE: _("Approved"),
    Action.WITHDRAW: _("Withdrawn"),
}

CLOCK_STATUSES: Mapping[str, StrOrPromise] = {
    DeadlineStatus.NOT_STARTED: _("Not started"),
    DeadlineStatus.ON_TRACK: _("On track"),
    DeadlineStatus.DUE_SOON: _("Due soon"),
    DeadlineStatus.OVERDUE: _("Overdue"),
    DeadlineStatus.STOPPED: _("Stopped"),
    DeadlineStatus.UNKNOWN_CALENDAR: _("Calendar unknown"),
}

OUTCOMES: Mapping[str, StrOrPromise] = {
    "eligible": _("Eligible"),
    "partly-eligible": _("Partly eligible"),
    "ineligible": _("Ineligible"),
}

ROUTES: Mapping[str, StrOrPromise] = {
    "pilot": _("Pilot route"),
    "national": _("National route"),
}

EFFECTS: Mapping[str, StrOrPromise] = {
    "allows": pgettext_lazy("rule effect", "allows"),
    "blocks": pgettext_lazy("rule effect", "blocks"),
    "requires": pgettext_lazy("rule effect", "requires"),
    "informs": pgettext_lazy("rule effect", "informs"),
}

ASSESSMENTS: Mapping[str, StrOrPromise] = {
    "security-assessment": _("Security assessment"),
}

# Telecommunications Business Classification Catalogue (2015 edition), value-added codes.
SERVICE_CODES: Mapping[str, StrOrPromise] = {
    "B11": _("Internet data centre (IDC)"),
    "B12": _("Content delivery network (CDN)"),
    "B13": _("Domestic internet virtual private network (IP-VPN)"),
    "B14": _("Internet access service (ISP)"),
    "B21": _("Online data processing and transaction processing"),
    "B22": _("Domestic multi-party communication"),
    "B23": _("Store-and-forward"),
    "B24": _("Call centre"),
    "B25-01": _("Information publishing platform and delivery"),
    "B25-02": _("Information search and query"),
    "B25-03": _("Information community platform"),
    "B25-04": _("Instant information interaction"),
    "B25-05": _("Information protection and processing"),
    "B26": _("Code and protocol conversion"),
}

SCOPES: Mapping[str, StrOrPromise] = {
    "end-user-access": _("End-user access (B14)"),
    "website-access": _("Website access (B14)"),
    "e-commerce": _("E-commerce (B21)"),
    "edi": _("Electronic data interchange (B21)"),
    "device-data-processing": _("Device data processing (B21)"),
    "transaction-processing": _("Transaction processing (B21)"),
    "app-store": _("App store (B25-01)"),
    "domestic": _("Domestic (B24)"),
    "offshore": _("Offshore (B24)"),
}

CONTENT: Mapping[str, StrOrPromise] = {
    "news": _("Internet news information"),
    "online-publishing": _("Online publishing"),
    "audio-visual": _("Online audio-visual programmes"),
    "internet-culture": _("Internet culture business"),
    "music": _("Internet culture business limited to music"),
    "public-information-publishing": _("Internet public information publishing services"),
}

OPENINGS: Mapping[str, StrOrPromise] = {
    "notice-107": _("Notice 107 pilot"),
    "comprehensive-pilot": _("Service-sector comprehensive opening-up pilot"),
    "hainan-ftp": _("Hainan Free Trade Port negative list"),
    "ftz": _("Free trade zone negative list"),
}

CONFIDENCE: Mapping[str, StrOrPromise] = {
    "C1": _("C1: confirmed from the official text or a regulator's page"),
    "C2": _("C2: confirmed from reliable secondary sources"),
    "M": _("M: not confirmed by a source (a widely repeated claim or a reasoned reading), to be verified"),
    "U": _("U: uncertain or conflicting sources"),
}

SERVICE_AREA_KINDS: Mapping[str, StrOrPromise] = {
    "provincial": _("Provincial (within the province of registration)"),
    "cross-regional": _("Cross-regional (two or more provinces, or nationwide)"),
}

# The licence's words. The register's (context "register") were written for its public pages first and
# are shared with the licence page.
LICENCE_STATES: Mapping[str, StrOrPromise] = {
    LicenceState.VALID: pgettext_lazy("register", "Valid"),
    LicenceState.SUSPENDED: pgettext_lazy("register", "Suspended"),
    LicenceState.REVOKED: pgettext_lazy("register", "Revoked"),
    LicenceState.CANCELLED: pgettext_lazy("register", "Cancelled"),
    LicenceState.EXPIRED: pgettext_lazy("register", "Expired"),
}

# What a licence's button says.
LICENCE_ACTIONS: Mapping[str, StrOrPromise] = {
    LicenceAction.SUSPEND: _("Suspend the licence"),
    LicenceAction.REINSTATE: _("Reinstate the licence"),
    LicenceAction.REDUCE_SCOPE: _("Reduce the licence's scope"),
    LicenceAction.APPROVE_CHANGE: _("Approve the change filing"),
    LicenceAction.RENEW: _("Renew the licence"),
    LicenceAction.REVOKE: _("Revoke the licence"),
    LicenceAction.CANCEL: _("Cancel the licence"),
    LicenceAction.EXPIRE: _("Record the licence's expiry"),
}

# What a licence's history says happened ("issue" is issuance's event, not a row of the table).
LICENCE_EVENTS: Mapping[str, StrOrPromise] = {
    "issue": pgettext_lazy("register", "Issued"),
    LicenceAction.SUSPEND: pgettext_lazy("register", "Suspended"),
    LicenceAction.REINSTATE: pgettext_lazy("register", "Reinstated"),
    LicenceAction.REDUCE_SCOPE: pgettext_lazy("register", "Scope reduced"),
    LicenceAction.APPROVE_CHANGE: pgettext_lazy("register", "Change approved"),
    LicenceAction.RENEW: pgettext_lazy("register", "Renewed"),
    LicenceAction.REVOKE: pgettext_lazy("register", "Revoked"),
    LicenceAction.CANCEL: pgettext_lazy("register", "Cancelled"),
    LicenceAction.EXPIRE: pgettext_lazy("register", "Expired"),
    # The holder's filings' steps (services.licences.filings): "filing.<action>".
    "filing.file": pgettext_lazy("register", "Filing made by the holder"),
    "filing.approve": pgettext_lazy("register", "Filing approved"),
    "filing.refuse": pgettext_lazy("register", "Filing refused"),
    "filing.withdraw": pgettext_lazy("register", "Filing withdrawn"),
}

# The verification page's answer, by effective status.
LICENCE_VERDICTS: Mapping[str, StrOrPromise] = {
    LicenceState.VALID: pgettext_lazy("register", "This licence is valid."),
    LicenceState.SUSPENDED: pgettext_lazy("register", "This licence is suspended."),
    LicenceState.REVOKED: pgettext_lazy("register", "This licence has been revoked."),
    LicenceState.CANCELLED: pgettext_lazy("register", "This licence has been cancelled."),
    LicenceState.EXPIRED: pgettext_lazy("register", "This licence has expired."),
}

OPINIONS: Mapping[str, StrOrPromise] = dict(OpinionKind.choices)
ASSESSMENT_RESULTS: Mapping[str, StrOrPromise] = dict(AssessmentResult.choices)
ROLES: Mapping[str, StrOrPromise] = dict(Role.choices)
DOCUMENT_KINDS: Mapping[str, StrOrPromise] = dict(DocumentKind.choices)

VOCABULARIES: Mapping[str, Mapping[str, StrOrPromise]] = {
    "state": STATES,
    "action": ACTIONS,
    "event": EVENTS,
    "clock": CLOCK_STATUSES,
    "outcome": OUTCOMES,
    "route": ROUTES,
    "effect": EFFECTS,
    "assessment": ASSESSMENTS,
    "service": SERVICE_CODES,
    "scope": SCOPES,
    "content": CONTENT,
    "opening": OPENINGS,
    "confidence": CONFIDENCE,
    "area": SERVICE_AREA_KINDS,
    "opinion": OPINIONS,
    "result": ASSESSMENT_RESULTS,
    "role": ROLES,
    "document": DOCUMENT_KINDS,
    "licence_state": LICENCE_STATES,
    "licence_action": LICENCE_ACTIONS,
    "licence_event": LICENCE_EVENTS,
}


def label(vocabulary: str, code: object) -> str:
    """The name of ``code`` in ``vocabulary``, or the code itself when it has none (a new code shows
    as what it is rather than as nothing)."""
    if code is None or code == "":
        return ""
    return str(VOCABULARIES[vocabulary].get(str(code), code))


# The network exit's words (services.licences.exits): its states, its buttons, and its steps as the
# licence's history and the register name them (their action "exit.<action>", their states the exit's).
EXIT_STATES: Mapping[str, StrOrPromise] = {
    ExitState.REQUIRED: pgettext_lazy("register", "Exit required"),
    ExitState.IN_PROGRESS: pgettext_lazy("register", "Exit in progress"),
    ExitState.DONE_REPORTED: pgettext_lazy("register", "Exit reported done"),
    ExitState.COMPLETED: pgettext_lazy("register", "Exit completed"),
}
EXIT_ACTIONS: Mapping[str, StrOrPromise] = {
    ExitAction.FILE_PLAN: _("File the exit plan"),
    ExitAction.REPORT_PROGRESS: _("Report progress"),
    ExitAction.REPORT_DONE: _("Report the exit done"),
    ExitAction.CONFIRM: _("Confirm the exit complete"),
    ExitAction.SEND_BACK: _("Send the exit back"),
}
EXIT_EVENTS: Mapping[str, StrOrPromise] = {
    "exit.file_plan": pgettext_lazy("register", "Network exit: plan filed"),
    "exit.report_progress": pgettext_lazy("register", "Network exit: progress reported"),
    "exit.report_done": pgettext_lazy("register", "Network exit: reported done"),
    "exit.confirm": pgettext_lazy("register", "Network exit: confirmed complete"),
    "exit.send_back": pgettext_lazy("register", "Network exit: sent back"),
}
# A licence's history holds the exit's steps too: these name every step and state it shows.
LICENCE_HISTORY_EVENTS: Mapping[str, StrOrPromise] = {**LICENCE_EVENTS, **EXIT_EVENTS}
LICENCE_HISTORY_STATES: Mapping[str, StrOrPromise] = {**LICENCE_STATES, **EXIT_STATES}


# The holder's filings (services.licences.filings): their kinds, the kinds of change, their states and
# the buttons of their decisions.
FILING_KINDS: Mapping[str, StrOrPromise] = {
    FilingKind.CHANGE: _("Change filing"),
    FilingKind.RENEWAL: _("Renewal"),
}
CHANGE_KINDS: Mapping[str, StrOrPromise] = {
    ChangeKind.SHAREHOLDERS: _("Shareholders"),
    ChangeKind.SCOPE: _("Business scope"),
    ChangeKind.NAME: _("Company name"),
    ChangeKind.LEGAL_REPRESENTATIVE: _("Legal representative"),
    ChangeKind.CAPITAL: _("Registered capital"),
}
FILING_STATES: Mapping[str, StrOrPromise] = {
    FilingState.FILED: _("Filed: awaiting MIIT's decision"),
    FilingState.APPROVED: pgettext_lazy("filing", "Approved"),
    FilingState.REFUSED: pgettext_lazy("filing", "Refused"),
    FilingState.WITHDRAWN: pgettext_lazy("filing", "Withdrawn"),
}
FILING_ACTIONS: Mapping[str, StrOrPromise] = {
    FilingAction.APPROVE: _("Approve the filing"),
    FilingAction.REFUSE: _("Refuse the filing"),
    FilingAction.WITHDRAW: _("Withdraw the filing"),
}


# A finding's words (services.supervision.findings): its states, severities, the buttons of its actions
# and its timeline's steps (the escalation ladder's rungs among them).
FINDING_STATES: Mapping[str, StrOrPromise] = {
    FindingState.OPEN: pgettext_lazy("finding", "Open"),
    FindingState.REMEDIATION_REPORTED: _("Remediation reported"),
    FindingState.RECTIFICATION_ORDERED: _("Rectification ordered"),
    FindingState.SCOPE_REDUCED: _("Scope reduced"),
    FindingState.RESOLVED: pgettext_lazy("finding", "Resolved"),
    FindingState.DISMISSED: pgettext_lazy("finding", "Dismissed"),
    FindingState.REVOKED: pgettext_lazy("finding", "Licence revoked"),
}
FINDING_SEVERITIES: Mapping[str, StrOrPromise] = {
    Severity.CRITICAL: pgettext_lazy("severity", "Critical"),
    Severity.HIGH: pgettext_lazy("severity", "High"),
    Severity.MEDIUM: pgettext_lazy("severity", "Medium"),
    Severity.LOW: pgettext_lazy("severity", "Low"),
}
FINDING_ACTIONS: Mapping[str, StrOrPromise] = {
    FindingAction.REPORT_REMEDIATION: _("Report the remediation"),
    FindingAction.ACCEPT_REMEDIATION: _("Accept the remediation"),
    FindingAction.REJECT_REMEDIATION: _("Reject the remediation"),
    FindingAction.DISMISS: _("Dismiss the finding"),
    FindingAction.ORDER_RECTIFICATION: _("Order rectification"),
    FindingAction.REDUCE_SCOPE: _("Reduce the licence's scope"),
    FindingAction.REVOKE: _("Revoke the licence"),
}
FINDING_EVENTS: Mapping[str, StrOrPromise] = {
    FindingAction.REPORT_REMEDIATION: _("Remediation reported"),
    FindingAction.ACCEPT_REMEDIATION: _("Remediation accepted"),
    FindingAction.REJECT_REMEDIATION: _("Remediation rejected"),
    FindingAction.DISMISS: _("Finding dismissed"),
    FindingAction.ORDER_RECTIFICATION: _("Rectification ordered"),
    FindingAction.REDUCE_SCOPE: _("Licence scope reduced"),
    FindingAction.REVOKE: _("Licence revoked"),
}
