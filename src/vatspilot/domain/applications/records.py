"""The kinds the application's records carry that the transition table does not name: the documents of
a dossier and the stages a supplement request is sent at.

The store's choices are built from these values (with their labels in the store, through gettext), so
that a new kind is added here once. The documents are the contract's list (vatspilot/decision/v2,
`required_documents`); a test holds the two equal.
"""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    BUSINESS_LICENCE = "business-licence"
    ARTICLES_OF_ASSOCIATION = "articles-of-association"
    OWNERSHIP_STRUCTURE_STATEMENT = "ownership-structure-statement"
    TECHNICAL_SOLUTION = "technical-solution"
    DATA_SECURITY_MEASURES = "data-security-measures"
    NETWORK_TOPOLOGY_DOMESTIC = "network-topology-domestic"
    NETWORK_TOPOLOGY_OVERSEAS = "network-topology-overseas"
    CONTINGENCY_PLAN = "contingency-plan"
    BUSINESS_PLAN = "business-plan"
    SERVICE_QUALITY_MEASURES = "service-quality-measures"
    LAWFUL_OPERATION_UNDERTAKING = "lawful-operation-undertaking"


class SupplementStage(StrEnum):
    """Where a supplement request was sent: at formal review (State.FORMAL_SUPPLEMENT follows) or at
    ministerial review (State.MINISTERIAL_SUPPLEMENT follows)."""

    FORMAL = "formal"
    MINISTERIAL = "ministerial"
