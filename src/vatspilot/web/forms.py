"""The pages' forms: the dossier, uploads, and one form per lifecycle action.

Forms check only what a person can fix in the form (a field left empty, JSON that does not parse);
whether the dossier is valid and whether an action is allowed are for the services to say.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from vatspilot.contracts import json_numbers
from vatspilot.domain.applications import Action
from vatspilot.domain.applications.action_fields import ActionField, FieldKind, RequiredWhen
from vatspilot.domain.applications.action_fields import fields_of as declared_fields_of
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services import vocabulary
from vatspilot.store.models import AssessmentResult, DocumentKind, Jurisdiction, OpinionKind, Organisation
from vatspilot.web.ownership_field import OwnershipField

_BLANK = [("", "---------")]


class NewApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation"), empty_label=None
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            field.widget = forms.HiddenInput()
            field.initial = organisations[0].pk


class DossierForm(forms.Form):
    """The dossier's facts other than the services (those are a formset, see ServiceForm)."""

    # The ownership tree editor over the contract's JSON (web/ownership_field.py): a list of holders.
    ownership = OwnershipField()
    service_area_kind = forms.ChoiceField(
        label=_("Service area"),
        choices=list(vocabulary.SERVICE_AREA_KINDS.items()),
        widget=forms.RadioSelect,
    )
    provinces = forms.MultipleChoiceField(
        label=_("Provinces served (cross-regional only)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    dishonest_list = forms.BooleanField(
        label=_("The enterprise, a main investor or a main manager is on the telecom business dishonest list"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provinces"].choices = [(j.code, j.name) for j in Jurisdiction.objects.order_by("code")]

    def service_area(self) -> dict[str, Any]:
        area: dict[str, Any] = {"kind": self.cleaned_data["service_area_kind"]}
        if area["kind"] == "cross-regional" and self.cleaned_data["provinces"]:
            area["provinces"] = list(self.cleaned_data["provinces"])
        return area

    @staticmethod
    def initial_for(application: Any) -> dict[str, Any]:
        area = application.service_area or {}
        return {
            "ownership": json_numbers.dumps(application.ownership or [], ensure_ascii=False, indent=2),
            "service_area_kind": area.get("kind", "provincial"),
            "provinces": area.get("provinces", []),
            "dishonest_list": application.dishonest_list,
        }


def scopes_by_code() -> dict[str, tuple[str, ...]]:
    """Each value-added code's own scopes, as the rulebook's catalogue declares them (a code with none
    takes no scope)."""
    scopes: dict[str, tuple[str, ...]] = {}
    for service in default_rulebook().services:
        scopes[service.code] = tuple(dict.fromkeys((*scopes.get(service.code, ()), *service.scopes)))
    return scopes


class ScopeSelect(forms.Select):
    """The scope list; each option names its service (data-code), so that web/static/web/application.js
    offers only the chosen service's scopes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code_of: dict[str, str] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.code_of:
            option["attrs"]["data-code"] = self.code_of[str(value)]
        return option


class ServiceForm(forms.Form):
    """One requested service; a row left without a code is ignored. Only the service's own scopes are
    accepted: a scope of another service is refused here, naming the row."""

    code = forms.ChoiceField(label=_("Service"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), required=False, widget=ScopeSelect(attrs={"data-scope-select": ""}))
    content = forms.MultipleChoiceField(
        label=_("Content carried"),
        required=False,
        choices=list(vocabulary.CONTENT.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _BLANK + [
            (code, f"{code} {name}") for code, name in vocabulary.SERVICE_CODES.items()
        ]
        scopes = scopes_by_code()
        self.fields["code"].widget.attrs["data-service-select"] = ""
        self.fields["scope"].choices = _BLANK + [
            (scope, vocabulary.SCOPES.get(scope, scope)) for code in scopes for scope in scopes[code]
        ]
        self.fields["scope"].widget.code_of = {scope: code for code in scopes for scope in scopes[code]}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code, scope = cleaned.get("code"), cleaned.get("scope")
        if scope and scope not in scopes_by_code().get(code or "", ()):
            row = (self.prefix or "").rsplit("-", 1)[-1]
            number = int(row) + 1 if row.isdigit() else 1
            if not code:
                message = gettext("Row %(row)s: choose the service this scope belongs to.") % {"row": number}
            else:
                message = gettext(
                    "Row %(row)s: %(scope)s is not a scope of %(code)s %(name)s. Its scopes: %(scopes)s."
                ) % {
                    "row": number,
                    "scope": vocabulary.SCOPES.get(scope, scope),
                    "code": code,
                    "name": vocabulary.SERVICE_CODES.get(code, ""),
                    "scopes": pgettext("list separator", ", ").join(
                        str(vocabulary.SCOPES.get(s, s)) for s in scopes_by_code().get(code, ())
                    )
                    or gettext("none"),
                }
            self.add_error("scope", forms.ValidationError(message, code="scope-not-of-code"))
        return cleaned

    def service(self) -> dict[str, Any] | None:
        code = self.cleaned_data.get("code")
        if not code:
            return None
        service: dict[str, Any] = {"code": code}
        if self.cleaned_data.get("scope"):
            service["scope"] = self.cleaned_data["scope"]
        if self.cleaned_data.get("content"):
            service["content"] = list(self.cleaned_data["content"])
        return service


ServiceFormSet = forms.formset_factory(ServiceForm, extra=2, max_num=20, absolute_max=40)


def service_initial(application: Any) -> list[dict[str, Any]]:
    return [
        {"code": s.get("code", ""), "scope": s.get("scope", ""), "content": s.get("content", [])}
        for s in application.services or []
    ]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, PNG, JPEG, Word or Excel)"))


# --- Lifecycle actions -------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """An action's fields, plus the version of the application the user was looking at: the service
    refuses the action (Conflict) when someone else changed the application since."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def perform_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "expected_version"}


# Presentation of the declared fields (vatspilot.domain.applications.action_fields), keyed by field name:
# label, help text, rows of the text area (a LINE field is a one-line input).
_LABELS: dict[str, Any] = {
    "items": _("Items to supply or correct"),
    "legal_basis": _("Legal basis"),
    "reasons": _("Reasons"),
    "findings": _("Findings"),
    "opinion": _("Opinion"),
    "conditions": _("Conditions"),
    "result": _("Result"),
}
_HELP_TEXTS: dict[str, Any] = {
    "items": _("One item per line. The applicant receives one notice listing them all."),
}
_ROWS: dict[str, int] = {"conditions": 3}
_DEFAULT_ROWS = 5
# The words of each choice: the store's labels for the domain's codes.
_CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "opinion": dict(OpinionKind.choices),
    "result": dict(AssessmentResult.choices),
}
# What to say when a RequiredWhen rule is broken, keyed by the field it requires.
_REQUIRED_WHEN_MESSAGES: dict[str, Any] = {
    "conditions": _("State the conditions of the concurrence."),
}


def _form_field(field: ActionField) -> forms.Field:
    common: dict[str, Any] = {
        "label": _LABELS[field.name],
        "required": field.required,
        "help_text": _HELP_TEXTS.get(field.name, ""),
    }
    if field.kind is FieldKind.CHOICE:
        labels = _CHOICE_LABELS[field.name]
        return forms.ChoiceField(
            choices=[(code, labels[code]) for code in field.choices], widget=forms.RadioSelect, **common
        )
    if field.kind is FieldKind.LINE:
        return forms.CharField(max_length=field.max_length, **common)
    rows = _ROWS.get(field.name, _DEFAULT_ROWS)
    return forms.CharField(max_length=field.max_length, widget=forms.Textarea(attrs={"rows": rows}), **common)


def _clean_lines(name: str, required: bool) -> Any:
    """clean_<name> for a LINES field: the non-blank lines, stripped."""

    def clean(self: forms.Form) -> list[str]:
        items = [line.strip() for line in self.cleaned_data[name].splitlines() if line.strip()]
        if required and not items:
            raise forms.ValidationError(_("List at least one item."), code="no_items")
        return items

    return clean


def _clean_rules(rules: tuple[RequiredWhen, ...]) -> Any:
    def clean(self: forms.Form) -> dict[str, Any]:
        cleaned = forms.Form.clean(self) or {}
        for rule in rules:
            if cleaned.get(rule.other) == rule.value and not cleaned.get(rule.field):
                self.add_error(rule.field, _REQUIRED_WHEN_MESSAGES[rule.field])
        return cleaned

    return clean


def _form_class(action: Action) -> type[ActionForm]:
    """The action's form, generated from its declared fields."""
    declared = declared_fields_of(action)
    attrs: dict[str, Any] = {"__module__": __name__}
    for field in declared.fields:
        attrs[field.name] = _form_field(field)
        if field.kind is FieldKind.LINES:
            attrs[f"clean_{field.name}"] = _clean_lines(field.name, field.required)
    if declared.rules:
        attrs["clean"] = _clean_rules(declared.rules)
    name = "".join(part.title() for part in action.value.split("_")) + "Form"
    return type(name, (ActionForm,), attrs)


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    action: _form_class(action) for action in Action if declared_fields_of(action).fields
}


def action_form(action: Action, *, version: int | None = None, data: Any = None) -> ActionForm:
    """The form for ``action``, its fields prefixed with the action's code (several forms share a page)."""
    form_class = ACTION_FORMS.get(action, ActionForm)
    return form_class(data=data, prefix=action.value, initial={"expected_version": version})
