"""The platform's tables, one module per subject."""

from vatspilot.store.models.accounts import AccountEmail, Invitation, InvitationStatus, LanguagePreference
from vatspilot.store.models.api_access import ApiToken, IdempotencyRecord, TokenScope
from vatspilot.store.models.applications import DRAFT, Application, DirectStatusWrite, StaleApplication
from vatspilot.store.models.audit_chain import GENESIS_HASH, AuditEntry, ChainHead
from vatspilot.store.models.credit_lists import CreditListEntry, CreditListKind
from vatspilot.store.models.decisions import Decision, Outcome
from vatspilot.store.models.documents import Document, DocumentKind, DocumentVersion
from vatspilot.store.models.events import ApplicationEvent
from vatspilot.store.models.immutable import ImmutableRecord
from vatspilot.store.models.jurisdictions import Jurisdiction
from vatspilot.store.models.licences import (
    DirectLicenceStatusWrite,
    Licence,
    LicenceEvent,
    LicenceFiling,
    LicenceReminder,
    LicenceSerial,
    NetworkExit,
    StaleExit,
    StaleFiling,
    StaleLicence,
)
from vatspilot.store.models.notifications import Notification
from vatspilot.store.models.organisations import Membership, Organisation
from vatspilot.store.models.reviews import (
    Agency,
    AssessmentResult,
    Opinion,
    OpinionKind,
    SecurityAssessment,
    SupplementRequest,
    SupplementStage,
    VoidReason,
)
from vatspilot.store.models.staff import Role, StaffRole
from vatspilot.store.models.supervision import (
    AnnualReportFiling,
    Finding,
    FindingEvidence,
    IngestionRun,
    Inspection,
    InspectionDraw,
    InspectionKind,
    ObligationNotice,
    QuarterlyReport,
    ReportNode,
    ReportPart,
    ReportUpload,
    SupervisionEvent,
)

__all__ = [
    "DRAFT",
    "GENESIS_HASH",
    "AccountEmail",
    "Agency",
    "AnnualReportFiling",
    "ApiToken",
    "Application",
    "ApplicationEvent",
    "AssessmentResult",
    "AuditEntry",
    "ChainHead",
    "CreditListEntry",
    "CreditListKind",
    "Decision",
    "DirectLicenceStatusWrite",
    "DirectStatusWrite",
    "Document",
    "DocumentKind",
    "DocumentVersion",
    "Finding",
    "FindingEvidence",
    "IdempotencyRecord",
    "ImmutableRecord",
    "IngestionRun",
    "Inspection",
    "InspectionDraw",
    "InspectionKind",
    "Invitation",
    "InvitationStatus",
    "Jurisdiction",
    "LanguagePreference",
    "Licence",
    "LicenceEvent",
    "LicenceFiling",
    "LicenceReminder",
    "LicenceSerial",
    "Membership",
    "NetworkExit",
    "Notification",
    "ObligationNotice",
    "Opinion",
    "OpinionKind",
    "Organisation",
    "Outcome",
    "QuarterlyReport",
    "ReportNode",
    "ReportPart",
    "ReportUpload",
    "Role",
    "SecurityAssessment",
    "StaffRole",
    "StaleApplication",
    "StaleExit",
    "StaleFiling",
    "StaleLicence",
    "SupervisionEvent",
    "SupplementRequest",
    "SupplementStage",
    "TokenScope",
    "VoidReason",
]
