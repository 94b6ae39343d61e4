"""The holder's filing forms (a change, a renewal) and the decisions on a filing (approve, refuse,
withdraw). Forms check only what a person can fix in the form (a field left empty, a number that is not
one); whether the filing is allowed and what the change does to eligibility are for
services.licences.filings to say. The ownership after a change is a small repeating form of shareholder
rows (name, ISO jurisdiction code, percentage), not JSON; the scope after a change is the dossier's
services table (web.forms.ServiceFormSet)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.licences.action_fields import REASON_MAX_LENGTH
from vatspilot.domain.licences.filings import ChangeKind, FilingAction
from vatspilot.services.licences.filings import NAME_MAX_LENGTH, REPRESENTATIVE_MAX_LENGTH
from vatspilot.services.vocabulary import CHANGE_KINDS
from vatspilot.store.models import Licence

# The words of every field a filing writer may name in a refusal (ActionRefused's `field`).
FIELD_LABELS: Mapping[str, Any] = {
    "kinds": _("What changed"),
    "changed_on": _("The change took effect on"),
    "name_zh": _("New name (Chinese)"),
    "name_en": _("New name (English)"),
    "legal_representative": _("New legal representative"),
    "registered_capital_cny": _("New registered capital (CNY)"),
    "shareholders": _("Shareholders after the change"),
    "services": _("Services after the change"),
    "launched": _("Services launched"),
    "reason": _("Reason and legal basis"),
}


class _DateInput(forms.DateInput):
    input_type = "date"


class ChangeFilingForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=FIELD_LABELS["kinds"],
        choices=[(kind.value, CHANGE_KINDS[kind]) for kind in ChangeKind],
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the writer names the field when none is ticked
    )
    changed_on = forms.DateField(
        label=FIELD_LABELS["changed_on"],
        widget=_DateInput,
        required=False,
        help_text=_(
            "The company's decision (shareholders, scope) or the business-registration change (name, legal "
            "representative, capital). Filed more than 30 days later, the filing is accepted and marked late."
        ),
    )
    name_zh = forms.CharField(label=FIELD_LABELS["name_zh"], max_length=NAME_MAX_LENGTH, required=False)
    name_en = forms.CharField(label=FIELD_LABELS["name_en"], max_length=NAME_MAX_LENGTH, required=False)
    legal_representative = forms.CharField(
        label=FIELD_LABELS["legal_representative"], max_length=REPRESENTATIVE_MAX_LENGTH, required=False
    )
    registered_capital_cny = forms.DecimalField(
        label=FIELD_LABELS["registered_capital_cny"], max_digits=20, decimal_places=2, required=False
    )


class ShareholderForm(forms.Form):
    """One direct shareholder after the change; a row left without a name is ignored."""

    name = forms.CharField(label=_("Shareholder"), max_length=300, required=False)
    jurisdiction = forms.CharField(
        label=_("Jurisdiction (ISO code; CN for the mainland)"),
        max_length=2,
        min_length=2,
        required=False,
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
    )
    percent = forms.DecimalField(
        label=_("Percent"),
        max_digits=7,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and (not data.get("jurisdiction") or data.get("percent") is None):
            raise forms.ValidationError(_("Give each shareholder's jurisdiction and percentage."), code="incomplete")
        return data

    def holder(self) -> dict[str, object] | None:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            return None
        return {
            "name": name,
            "jurisdiction": str(self.cleaned_data.get("jurisdiction") or "").upper(),
            "percent": self.cleaned_data["percent"],
        }


ShareholderFormSet = forms.formset_factory(ShareholderForm, extra=3, max_num=30, absolute_max=60)


class RenewalForm(forms.Form):
    """For each licensed service: the day it was launched, or that it never was."""

    def __init__(self, licence: Licence, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zh = (get_language() or "").startswith("zh")
        self.codes: list[str] = []
        for service in licence.licensed_services():
            name = service.name_zh if zh else service.name_en
            self.codes.append(service.code)
            self.fields[f"launched_{service.code}"] = forms.DateField(
                label=_("%(code)s %(name)s: launched on") % {"code": service.code, "name": name},
                widget=_DateInput,
                required=False,
            )
            self.fields[f"never_{service.code}"] = forms.BooleanField(
                label=_("%(code)s was never launched") % {"code": service.code}, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code in self.codes:
            day, never = data.get(f"launched_{code}"), data.get(f"never_{code}")
            if day is None and not never:
                self.add_error(
                    f"launched_{code}",
                    forms.ValidationError(
                        _("Say when %(code)s was launched, or that it never was."),
                        params={"code": code},
                        code="unanswered",
                    ),
                )
            elif day is not None and never:
                self.add_error(
                    f"never_{code}",
                    forms.ValidationError(
                        _("%(code)s: give a day of launch or tick never launched, not both."),
                        params={"code": code},
                        code="both",
                    ),
                )
        return data

    def launched(self) -> dict[str, date | None]:
        return {
            code: None if self.cleaned_data.get(f"never_{code}") else self.cleaned_data.get(f"launched_{code}")
            for code in self.codes
        }


class FilingDecisionForm(forms.Form):
    """A decision on a filing, with the version the reader was looking at (a stale one is refused)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, action: FilingAction, version: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=action.value, **kwargs)
        self.action = action
        self.initial["expected_version"] = version
        if action is not FilingAction.WITHDRAW:
            self.fields["reason"] = forms.CharField(
                label=FIELD_LABELS["reason"],
                max_length=REASON_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "Kept on the licence's record for the holder and officials; the register does not show it."
                ),
            )


def error_lines(*bound: forms.Form | forms.BaseFormSet) -> list[str]:
    """Every error of the forms, each named by its field's label, for the top of the page."""
    lines: list[str] = []
    for item in bound:
        forms_list = list(item.forms) if isinstance(item, forms.BaseFormSet) else [item]
        if isinstance(item, forms.BaseFormSet):
            lines.extend(str(error) for error in item.non_form_errors())
        for form in forms_list:
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                label = str(field.label) if field is not None and field.label else ""
                lines.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return lines
