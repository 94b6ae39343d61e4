"""The bases the licence tables cite. No article number is given unless a source shows it (legal-facts 2.3)."""

from __future__ import annotations

SOURCE_ARTICLE = "source article on the pilot (2025-07-01), supervision and exit mechanism"

VALIDITY = "MIIT Order No. 42 (validity of 5 years; article unverified)"
RENEWAL = (
    "MIIT Order No. 42 (renewal: apply 90 days before expiry; not renewed if late or never launched; "
    "article unverified)"
)
CHANGES = "MIIT Order No. 42 (changes filed within 30 days; article unverified)"
FILINGS = "MIIT Order No. 42 (change filings within 30 days; renewal 90 days before expiry; article unverified)"
CANCELLATION = "MIIT Order No. 42 (cancellation on application, after user aftercare; article unverified)"
RECTIFICATION = "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": rectification"
SCOPE_REDUCTION = "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": reduced scope"
REVOCATION = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": revocation and orderly exit"
)
EXIT = "Pilot Notice (MIIT Communications Letter [2024] No. 107), " + SOURCE_ARTICLE + ": orderly network exit"
