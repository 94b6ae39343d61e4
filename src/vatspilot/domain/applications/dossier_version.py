"""The content hash of a dossier: what the reviewers judged, as one stable SHA-256.

An opinion, the security assessment and the decision are given on a dossier version; the hash names
that version. It covers everything the eligibility engine is given (the enterprise's name, USCC,
place of registration and capital, the ownership, the services and their content, the service area,
the dishonest-list flag: whatever the profile holds) and the content hash of the current version of
each document. It is the SHA-256 of canonical JSON: keys sorted, no spaces, UTF-8, and numbers in one
spelling. An integral number is written as the integer, so that 100, 100.0 and Decimal("100.00") hash
alike whatever the database gives back. Any other number is written as the shortest text of its
nearest double, so that Decimal("33.33"), Decimal("33.330") and the float 33.33 (what rows were read
back as before percentages became Decimals) hash alike, and no stored hash changes.

A change that leaves all of that as it was (a document uploaded again with the same bytes, a field set
to the value it had) leaves the hash, and so the reviews, as they were.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

DOSSIER_HASH_FORMAT = "vatspilot/dossier-hash/v1"

# The profile's schema identifier names a format, not a fact about the enterprise: leaving it out keeps
# the hash of an unchanged dossier unchanged when the profile contract moves on.
_NOT_CONTENT = frozenset({"schema"})


def dossier_content(profile: Mapping[str, Any], documents: Mapping[str, str]) -> dict[str, Any]:
    """What the hash covers: the profile (the engine's input) and each document kind's current SHA-256."""
    return {
        "format": DOSSIER_HASH_FORMAT,
        "dossier": {key: value for key, value in profile.items() if key not in _NOT_CONTENT},
        "documents": {kind: documents[kind] for kind in sorted(documents)},
    }


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value; raises ValueError for NaN or infinity, TypeError for a non-JSON type."""
    return json.dumps(_normalised(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dossier_hash(profile: Mapping[str, Any], documents: Mapping[str, str]) -> str:
    """The SHA-256 hex digest of the dossier's canonical JSON."""
    return hashlib.sha256(canonical_json(dossier_content(profile, documents)).encode("utf-8")).hexdigest()


def _normalised(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a dossier holds no NaN or infinity")
        return int(value) if value == value.to_integral_value() else _normalised(float(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a dossier holds no NaN or infinity")
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        normalised: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a dossier's keys are strings, not {type(key).__name__}")
            normalised[key] = _normalised(item)
        return normalised
    if isinstance(value, list | tuple):
        return [_normalised(item) for item in value]
    raise TypeError(f"a dossier holds JSON values, not {type(value).__name__}")
