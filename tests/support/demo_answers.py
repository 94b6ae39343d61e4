"""The eligibility check's answers the demo's pictures and the whole-demo reading show: a wholly Hong
Kong-owned enterprise in Pudong asking for IDC and information protection services (a form's answer, which
no link leads to)."""

from __future__ import annotations

from urllib.parse import urlencode

ELIGIBILITY_ANSWERS = urlencode(
    {
        "province": "310000",
        "district": "310115",
        "registered_capital_cny": "10000000",
        "ownership": '[{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 100}]',
        "service_B11": "on",
        "service_B25-05": "on",
        "service_area_kind": "provincial",
        "check": "1",
    }
)
