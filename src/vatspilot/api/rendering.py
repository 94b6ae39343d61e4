"""How the API writes an answer's body: JSON with each Decimal as the number it was given as."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from vatspilot.contracts.json_numbers import ExactJSONEncoder


class ExactNinjaJSONEncoder(ExactJSONEncoder, NinjaJSONEncoder):
    """Decimals (a dossier's percentages) as the JSON numbers they were given as, never strings or floats;
    dates and the rest as django-ninja writes them."""


class _HoldsADecimal(Exception):
    pass


class _PlainNinjaJSONEncoder(NinjaJSONEncoder):
    """django-ninja's encoder on the standard library's C accelerator, for answers without a Decimal (most
    of them): it stops at the first Decimal, which DjangoJSONEncoder would write as a string."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            raise _HoldsADecimal
        return super().default(o)


class ExactJSONRenderer(JSONRenderer):
    encoder_class = ExactNinjaJSONEncoder

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        # The exact encoder writes in pure Python (it must spell each Decimal itself), several times slower
        # than the C accelerator on a large answer: an answer holding no Decimal takes the fast way, one
        # holding any is written again the exact way. The same text either way.
        try:
            return json.dumps(data, cls=_PlainNinjaJSONEncoder, **self.json_dumps_params)
        except _HoldsADecimal:
            return json.dumps(data, cls=self.encoder_class, **self.json_dumps_params)


RENDERER = ExactJSONRenderer()


def unchecked_answer(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """``data`` written as the API writes every answer, without django-ninja first validating it against
    the operation's declared schema (which builds a model of the whole answer again).

    For the hottest reads only, where that validation cost about as much as the rest of the request (the
    public register: a search of ten licences spent 0.7 of its 2.3 ms there). Their payloads are held to
    the declared schemas by tests/api/test_api_unchecked_answers.py, and Schemathesis checks every answer
    of every operation against the OpenAPI document in CI."""
    return HttpResponse(
        RENDERER.render(request, data, response_status=status),
        status=status,
        content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}",
    )
