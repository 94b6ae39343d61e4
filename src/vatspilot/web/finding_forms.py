"""The forms of a finding's page, one per action of its table (services.supervision.findings): each
carries the finding's version the reader saw (a stale form is refused: Conflict) and is prefixed with its
action, since one page holds several. The ladder's scope-reduction rung reuses the licence page's
reduction fields (web.licence_forms.LicenceDecisionForm for LicenceAction.REDUCE_SCOPE: the services to
remove, the areas to withdraw, turned into the areas kept) and adds the new deadline. Revocation asks
for a confirmation on a second page, since it cannot be undone. Also the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from vatspilot.domain.licences.lifecycle import LicenceAction
from vatspilot.domain.supervision.findings import FindingAction
from vatspilot.services.vocabulary import FINDING_SEVERITIES, FINDING_STATES
from vatspilot.store.models import Licence
from vatspilot.store.models.supervision import Finding
from vatspilot.web.licence_forms import LicenceDecisionForm

_ROWS = 3
_TEXT_MAX = 4000
_REASON_HELP = _lazy("Kept on the finding's record for the holder and the supervisors.")


def _reason(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _lazy("Reason and legal basis"),
        max_length=_TEXT_MAX,
        help_text=_REASON_HELP,
        widget=forms.Textarea(attrs={"rows": _ROWS}),
    )


def _deadline() -> forms.DateField:
    return forms.DateField(
        label=_lazy("Deadline"),
        help_text=_lazy("The last day the holder has to rectify; after the day of the decision."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern): the list of uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple) and not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class FindingActionForm(forms.Form):
    """An action's fields, plus the finding's version the reader was looking at."""

    action: FindingAction
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, finding: Finding, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=self.action.value, **kwargs)
        self.initial["expected_version"] = finding.version

    def writer_fields(self) -> dict[str, Any]:
        """The writer's keyword arguments from the cleaned data (all but the version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "expected_version"}


class ReportRemediationForm(FindingActionForm):
    action = FindingAction.REPORT_REMEDIATION
    note = forms.CharField(
        label=_lazy("What was done"),
        max_length=_TEXT_MAX,
        help_text=_lazy("How the finding was remedied; the supervisors read it with the evidence."),
        widget=forms.Textarea(attrs={"rows": _ROWS}),
    )
    evidence = MultipleFileField(
        label=_lazy("Evidence"),
        help_text=_lazy("One or more files (PDF, images, office documents) showing the remediation."),
    )


class AcceptRemediationForm(FindingActionForm):
    action = FindingAction.ACCEPT_REMEDIATION
    reason = _reason()


class RejectRemediationForm(FindingActionForm):
    action = FindingAction.REJECT_REMEDIATION
    reason = _reason(_lazy("What is still wrong"))


class DismissForm(FindingActionForm):
    action = FindingAction.DISMISS
    reason = _reason(_lazy("Why the finding is unfounded"))


class OrderRectificationForm(FindingActionForm):
    action = FindingAction.ORDER_RECTIFICATION
    deadline = _deadline()
    reason = _reason()


class RevokeForm(FindingActionForm):
    action = FindingAction.REVOKE
    reason = _reason()
    # Set by the confirmation page's button: without it the view shows that page instead of revoking.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReduceScopeForm(LicenceDecisionForm):
    """The licence page's reduction fields (reason, services to remove, areas to withdraw) for the
    finding's licence, with the new deadline; the version checked is the finding's (the licence's own
    row is taken in the same transaction by its writer)."""

    action_on_finding = FindingAction.REDUCE_SCOPE

    def __init__(self, finding: Finding, *args: Any, **kwargs: Any) -> None:
        super().__init__(LicenceAction.REDUCE_SCOPE, finding.licence, *args, **kwargs)
        self.licence: Licence = finding.licence
        fields: dict[str, Any] = self.fields
        fields["deadline"] = _deadline()
        fields["deadline"].help_text = _lazy("The last day to rectify before the licence may be revoked.")
        self.order_fields(["deadline"])
        self.initial["expected_version"] = finding.version

    def writer_fields(self, licence: Licence | None = None) -> dict[str, object]:
        values = super().writer_fields(licence or self.licence)
        values["deadline"] = self.cleaned_data["deadline"]
        return values


FINDING_FORMS: dict[FindingAction, Any] = {
    form.action: form
    for form in (
        ReportRemediationForm,
        AcceptRemediationForm,
        RejectRemediationForm,
        DismissForm,
        OrderRectificationForm,
        RevokeForm,
    )
}
FINDING_FORMS[FindingAction.REDUCE_SCOPE] = ReduceScopeForm


def finding_form(action: FindingAction, finding: Finding, **kwargs: Any) -> forms.Form:
    """The form of ``action`` on ``finding`` (bound when ``data`` is given)."""
    form: forms.Form = FINDING_FORMS[action](finding, **kwargs)
    return form


def field_label(form: forms.Form, name: object) -> str:
    """The label of the field ``name`` on ``form`` ("" for none): a refusal names its field by it."""
    field = form.fields.get(str(name)) if name else None
    return str(field.label) if field is not None and field.label else ""


_ANY = [("", pgettext_lazy("register", "Any"))]


class FindingFilterForm(forms.Form):
    """The list's filters, from the query string; every field optional."""

    severity = forms.ChoiceField(label=_lazy("Severity"), required=False)
    status = forms.ChoiceField(label=_lazy("Status"), required=False)
    overdue = forms.BooleanField(label=_lazy("Only overdue"), required=False)
    licence = forms.CharField(label=pgettext_lazy("register", "Licence number"), max_length=40, required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields
        fields["severity"].choices = [*_ANY, *FINDING_SEVERITIES.items()]
        fields["status"].choices = [*_ANY, *FINDING_STATES.items()]
