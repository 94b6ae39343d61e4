"""The bases the transition table cites. No article number is given unless a source shows it."""

from __future__ import annotations

PILOT_NOTICE = "Pilot Notice (MIIT Communications Letter [2024] No. 107)"

ORDER_42_MATERIALS = (
    "MIIT Order No. 42 (application materials); " + PILOT_NOTICE + ", document checklist (source article, 2025-07-01)"
)
CORRECTION_NOTICE = "MIIT administrative-licensing service guide (one correction notice, 5 working days)"
FORMAL_REVIEW = PILOT_NOTICE + ", two-tier review: formal review by the local Communications Administration"
PRELIMINARY_ASSESSMENT = (
    PILOT_NOTICE + ", two-tier review: preliminary security assessment by the local Communications Administration"
)
MINISTERIAL_REVIEW = PILOT_NOTICE + ", two-tier review: substantive review by MIIT with the CAC and the MPS"
SECURITY_ASSESSMENT = PILOT_NOTICE + ", security assessment (source article, 2025-07-01)"
ONSITE_VERIFICATION = PILOT_NOTICE + ", two-tier review: on-site verification if necessary"
DECISION = "MIIT Order No. 42 Art. 11"
APPROVAL = DECISION + "; " + PILOT_NOTICE + ", positive security assessment a precondition (source article, 2025-07-01)"
MINISTERIAL_SUPPLEMENT = "Implementing practice (supplement during substantive review; no article cited)"
WITHDRAWAL = "Implementing practice (withdrawal before the decision; no article cited)"
