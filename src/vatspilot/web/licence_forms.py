"""The licence page's decision forms, derived from the declared fields
(vatspilot.domain.licences.action_fields): each field's kind gives its form field; the words are kept
here, keyed by field name. One page holds several forms, so each is prefixed with its action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy

from vatspilot.domain.applications.action_fields import ActionField, FieldKind
from vatspilot.domain.licences.action_fields import AreasKeptField, LicenceField, licence_fields_of
from vatspilot.domain.licences.lifecycle import LicenceAction
from vatspilot.store.models import Licence

# Areas are ticked as "code::area" (English), the areas to take off; the writer is given those kept.
_AREA_SEPARATOR = "::"

_LABELS: dict[str, Any] = {
    "reason": _lazy("Reason and legal basis"),
    "remove_services": _lazy("Services to remove"),
    "narrow_areas": _lazy("Areas to withdraw"),
}
_HELP_TEXTS: dict[str, Any] = {
    "reason": _lazy(
        "Kept on the licence's record for the holder and officials; the register shows the rule's citation."
    ),
}
_ROWS = 3


def _in_language(service: Mapping[str, Any], name: str, zh: bool) -> str:
    english = str(service.get(f"{name}_en", "") or "")
    return str(service.get(f"{name}_zh", "") or english) if zh else english


def _areas(service: Mapping[str, Any], zh: bool) -> list[tuple[str, str]]:
    """Each area's English name (what the service is given) and the name shown: the two languages'
    lists are parallel."""
    english = [str(area) for area in service.get("areas_en", []) or []]
    chinese = [str(area) for area in service.get("areas_zh", []) or []]
    return [(area, chinese[i] if zh and i < len(chinese) else area) for i, area in enumerate(english)]


def _form_field(field: LicenceField, licence: Licence) -> forms.Field:
    common: dict[str, Any] = {
        "label": _LABELS[field.name],
        "required": field.required,
        "help_text": _HELP_TEXTS.get(field.name, ""),
    }
    services = list(licence.services or [])
    zh = (get_language() or "").startswith("zh")
    if isinstance(field, AreasKeptField):
        choices = [
            (f"{s.get('code', '')}{_AREA_SEPARATOR}{area}", f"{s.get('code', '')}{'：' if zh else ': '}{shown}")
            for s in services
            for area, shown in _areas(s, zh)
        ]
        return forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=choices, **common)
    if field.kind is FieldKind.LINES:  # the licence's service codes
        choices = [(s.get("code", ""), f"{s.get('code', '')} {_in_language(s, 'name', zh)}") for s in services]
        return forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=choices, **common)
    return forms.CharField(max_length=field.max_length, widget=forms.Textarea(attrs={"rows": _ROWS}), **common)


class LicenceDecisionForm(forms.Form):
    """A decision's fields, plus the version of the licence the official was looking at: the writer
    refuses the decision (Conflict) when someone else changed the licence since."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, action: LicenceAction, licence: Licence, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=action.value, **kwargs)
        self.action = action
        self.declared = licence_fields_of(action)
        fields: dict[str, Any] = self.fields
        for field in self.declared:
            fields[field.name] = _form_field(field, licence)
        self.initial["expected_version"] = licence.version

    def writer_fields(self, licence: Licence) -> dict[str, object]:
        """The writer's keyword arguments: each declared field as cleaned, the areas withdrawn turned into
        those each service keeps."""
        data = self.cleaned_data
        values: dict[str, object] = {}
        for field in self.declared:
            if isinstance(field, AreasKeptField):
                values[field.name] = _areas_kept(licence, data[field.name])
            elif isinstance(field, ActionField) and field.kind is FieldKind.LINES:
                values[field.name] = list(data[field.name])
            else:
                values[field.name] = data[field.name]
        return values


def _areas_kept(licence: Licence, ticked: list[str]) -> dict[str, list[str]]:
    withdrawn: dict[str, list[str]] = {}
    for choice in ticked:
        code, _sep, area = choice.partition(_AREA_SEPARATOR)
        withdrawn.setdefault(code, []).append(area)
    areas = {str(s.get("code", "")): list(s.get("areas_en", []) or []) for s in licence.services or []}
    return {code: [area for area in areas.get(code, []) if area not in gone] for code, gone in withdrawn.items()}
