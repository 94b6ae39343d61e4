"""The report pages' forms: the draft's operational data, the two uploads, the lifecycle's actions
(submit, reopen, accept; return with its reason) and opening a quarter's report from the calendar.

Each form that changes a report carries the report's version as the reader saw it (expected_version), so
that a form sent from a stale page is refused rather than written over someone else's change. Forms check
only what a person can fix in the form (a number that is not one, an empty reason); whether the change
is allowed is for services.supervision to say. A draft may leave any operational value blank."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vatspilot.domain.licences.action_fields import REASON_MAX_LENGTH
from vatspilot.domain.supervision.cross_border import Mechanism
from vatspilot.domain.supervision.reports import ReportAction
from vatspilot.queries.supervision_reports import FIELD_LABELS, MECHANISM_LABELS
from vatspilot.services.supervision.reports import OperationalData
from vatspilot.store.models.supervision import ReportPart

__all__ = [
    "ACTION_FORMS",
    "OpenReportForm",
    "OperationalDataForm",
    "ReportActionForm",
    "ReturnReportForm",
    "UploadForm",
    "error_lines",
    "field_label",
]


class _VersionedForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, version: int | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if version is not None:
            self.initial["expected_version"] = version


def _count(name: str) -> forms.IntegerField:
    return forms.IntegerField(label=FIELD_LABELS[name], min_value=0, required=False)


class OperationalDataForm(_VersionedForm):
    """The draft's operational data; every value may be left blank while the report is a draft."""

    users = _count("users")
    revenue_cny = forms.DecimalField(
        label=FIELD_LABELS["revenue_cny"], min_value=Decimal("0"), max_digits=18, decimal_places=2, required=False
    )
    bandwidth_gbps = forms.DecimalField(
        label=FIELD_LABELS["bandwidth_gbps"], min_value=Decimal("0"), max_digits=12, decimal_places=3, required=False
    )
    personal_info_exported = _count("personal_info_exported")
    sensitive_info_exported = _count("sensitive_info_exported")
    important_data_exported = forms.TypedChoiceField(
        label=FIELD_LABELS["important_data_exported"],
        choices=[("", pgettext_lazy("report page", "Not yet stated")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    cross_border_mechanism = forms.ChoiceField(
        label=FIELD_LABELS["cross_border_mechanism"],
        choices=[("", MECHANISM_LABELS[""])] + [(m.value, MECHANISM_LABELS[m.value]) for m in Mechanism],
        required=False,
        help_text=_(
            "The mechanism the CAC Provisions of 2024 require is judged on submission from the volumes "
            "above; a mechanism that does not cover them is raised as a finding."
        ),
    )

    def __init__(
        self, version: int | None = None, *args: Any, initial_data: Mapping[str, object] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(version, *args, **kwargs)
        if initial_data is not None:
            for name, value in initial_data.items():
                if name == "important_data_exported":
                    self.initial[name] = "" if value is None else ("yes" if value else "no")
                else:
                    self.initial[name] = value

    def data_to_save(self) -> OperationalData:
        data = self.cleaned_data
        return OperationalData(
            users=data["users"],
            revenue_cny=data["revenue_cny"],
            bandwidth_gbps=data["bandwidth_gbps"],
            personal_info_exported=data["personal_info_exported"],
            sensitive_info_exported=data["sensitive_info_exported"],
            important_data_exported=data["important_data_exported"],
            cross_border_mechanism=data["cross_border_mechanism"] or "",
        )


class UploadForm(_VersionedForm):
    """One part's file: read a chunk at a time into the staging area, checked by the background run."""

    file = forms.FileField(label=FIELD_LABELS["file"], allow_empty_file=True)

    def __init__(self, part: ReportPart, version: int | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(version, *args, prefix=part.value, **kwargs)
        self.part = part


class ReportActionForm(_VersionedForm):
    """A lifecycle action that asks for nothing but the version: submit, reopen, accept."""

    def __init__(self, action: ReportAction, version: int | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(version, *args, prefix=action.value, **kwargs)
        self.action = action

    def writer_fields(self) -> dict[str, Any]:
        return {}


class ReturnReportForm(ReportActionForm):
    reason = forms.CharField(
        label=FIELD_LABELS["reason"],
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the holder must correct; kept on the report's timeline."),
    )

    def writer_fields(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


ACTION_FORMS: Mapping[ReportAction, type[ReportActionForm]] = {
    ReportAction.SUBMIT: ReportActionForm,
    ReportAction.REOPEN: ReportActionForm,
    ReportAction.ACCEPT: ReportActionForm,
    ReportAction.RETURN: ReturnReportForm,
}


class OpenReportForm(forms.Form):
    """Open the draft of one owed quarter (the calendar's button)."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    quarter = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=4)


def field_label(name: object) -> str:
    """The words for a field a form or a writer names ("" for none or an unknown one)."""
    if name in (None, "", "__all__"):
        return ""
    label = FIELD_LABELS.get(str(name))
    return str(label) if label is not None else ""


def error_lines(form: forms.Form) -> list[str]:
    """Each error of the form, prefixed with its field's words."""
    lines = []
    for name, problems in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else field_label(name)
        if name == "expected_version":
            label = ""
        for problem in problems:
            lines.append(f"{label}: {problem}" if label else str(problem))
    return lines
