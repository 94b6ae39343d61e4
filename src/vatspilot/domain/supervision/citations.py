"""The bases the supervision tables cite. No article number is given unless a source shows it."""

from __future__ import annotations

SOURCE_ARTICLE = "source article on the pilot (2025-07-01), supervision and administration"

REPORTING = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": quarterly operational data, "
    "node lists and security logs to the local Communications Administration"
)
INSPECTION = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": penetration tests, code "
    "audits and random inspections of cross-border data flows; MIIT Order No. 42 Art. 36 (random checks)"
)
REMEDIATION = (
    "Cybersecurity Law Art. 22 (remedial measures at once); " + SOURCE_ARTICLE + ": critical vulnerabilities "
    "remedied within fifteen days in practice (no statutory deadline found)"
)
RECTIFICATION = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": exit mechanism, "
    "rectification within a deadline"
)
SCOPE_REDUCTION = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": exit mechanism, "
    "reduced scope of business"
)
REVOCATION = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": exit mechanism, "
    "revocation and orderly network exit"
)
