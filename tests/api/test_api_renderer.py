"""The API's JSON: an answer without a Decimal goes the C accelerator's way, one with a Decimal the exact
way (api.rendering.ExactJSONRenderer); both write the same text the exact encoder alone would."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from vatspilot.api.rendering import ExactJSONRenderer, ExactNinjaJSONEncoder


@pytest.mark.parametrize(
    "data",
    [
        {
            "id": 1,
            "name": "海港云",
            "share": 33.5,
            "on": date(2025, 6, 3),
            "at": datetime(2025, 6, 3, 9, 0, tzinfo=UTC),
        },
        {"items": [{"percent": Decimal("33.33")}, {"percent": Decimal("100.0")}], "next": None},
        [Decimal("1E+2"), 1.5, True, "x"],
    ],
)
def test_the_renderer_writes_what_the_exact_encoder_writes(data: Any) -> None:
    written = ExactJSONRenderer().render(None, data, response_status=200)  # type: ignore[arg-type]

    assert written == json.dumps(data, cls=ExactNinjaJSONEncoder)


def test_a_decimal_is_written_as_the_number_it_is_never_a_string_or_a_float() -> None:
    written = ExactJSONRenderer().render(None, {"percent": Decimal("33.330")}, response_status=200)  # type: ignore[arg-type]

    assert written == '{"percent": 33.330}'
