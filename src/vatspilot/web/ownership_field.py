"""The ownership tree as a form field: the contract's shareholder list (vatspilot/profile/v1 ``shareholders``).

One server path: the browser always posts the list as JSON in one field. The widget renders that field as
a text area inside ``web/partials/ownership_editor.html``; ``static/web/ownership_editor.js`` hides it and
builds the tree editor over it, writing the JSON back into it on every change. With JavaScript off the
text area is the field. Either way the server reads it with the strict reader (``strict_json``), so a
percentage is a Decimal of its very text, and the services judge the tree exactly as before.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vatspilot.contracts import json_numbers, strict_json
from vatspilot.contracts.input_errors import describe_json_problem
from vatspilot.contracts.strict_json import StrictJSONError

__all__ = ["OwnershipEditor", "OwnershipField", "ownership_json"]


def ownership_json(holders: Any) -> str:
    """The text the field starts with: the list as the contract's JSON, Decimals as the numbers they are."""
    return json_numbers.dumps(holders or [], ensure_ascii=False, indent=2)


class OwnershipEditor(forms.Textarea):
    """The JSON text area wrapped in the editor's partial (its strings, its script and its style)."""

    template_name = "web/partials/ownership_editor.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 12, "class": "code", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list):
            return ownership_json(value)
        return super().format_value(value)  # type: ignore[no-any-return]


class OwnershipField(forms.CharField):
    """A list of holders read from JSON; a refusal names the line and column (and the place in the tree)."""

    widget = OwnershipEditor

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Ownership (direct shareholders)"))
        kwargs.setdefault(
            "help_text",
            _(
                'A list of shareholders, each {"name", "jurisdiction" (ISO country code; CN for the '
                'mainland), "percent"}; a CN holder may list its own "shareholders" to be looked '
                "through. Percentages at each level add up to 100."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        raw = super().to_python(value)
        if raw in self.empty_values:
            return raw
        try:
            parsed = strict_json.loads(str(raw))
        except StrictJSONError as error:
            params = {
                "line": error.line,
                "column": error.column,
                "problem": describe_json_problem(error, gettext),
                "pointer": error.pointer,
            }
            if error.code in strict_json.SYNTAX_CODES:
                message = _("This is not valid JSON (line %(line)s, column %(column)s): %(problem)s.")
            else:
                message = _("Refused at %(pointer)s (line %(line)s, column %(column)s): %(problem)s.")
            raise forms.ValidationError(message, params=params, code=error.code) from None
        if not isinstance(parsed, list):
            raise forms.ValidationError(_("Give a list of shareholders: [ {...}, {...} ]."), code="not_a_list")
        return parsed

    def validate(self, value: Any) -> None:
        # An empty list is an answer (no shareholder yet), not a field left empty: the text "[]" was given.
        if isinstance(value, list):
            return
        super().validate(value)
