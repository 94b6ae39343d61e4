"""The network exit's forms on the licence page, one per step (services.licences.exits): each carries
the exit's version the reader saw, so a step taken on a stale page is refused (Conflict). One page holds
several forms, so each is prefixed with its action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from vatspilot.domain.licences.exit import ExitAction

_ROWS = 3
_NOTE_HELP = _lazy("Kept on the licence's record for the holder and the officials; the public register never shows it.")


class ExitStepForm(forms.Form):
    """A step's fields, plus the exit's version the reader was looking at."""

    action: ExitAction
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, version: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=self.action.value, **kwargs)
        self.initial["expected_version"] = version

    def writer_fields(self) -> dict[str, Any]:
        """The writer's keyword arguments from the cleaned data (all but the version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "expected_version"}


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    # A date input takes ISO dates only, whatever the reader's language writes.
    return forms.DateField(
        label=label, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _note_field(label: Any, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        help_text=_NOTE_HELP,
        widget=forms.Textarea(attrs={"rows": _ROWS}),
    )


class FilePlanForm(ExitStepForm):
    action = ExitAction.FILE_PLAN
    users_notified_on = _date_field(_lazy("Users told on"), _lazy("The day the users are (or were) told of the exit."))
    migration_deadline = _date_field(_lazy("Migration deadline"), _lazy("The day by which every user has moved."))
    users_to_migrate = forms.IntegerField(label=_lazy("Users to migrate"), min_value=0)


class ReportProgressForm(ExitStepForm):
    action = ExitAction.REPORT_PROGRESS
    users_migrated = forms.IntegerField(
        label=_lazy("Users migrated so far"),
        min_value=0,
        help_text=_lazy("The number moved since the exit began, not since the last report."),
    )
    note = _note_field(_lazy("Note"))


class ReportDoneForm(ExitStepForm):
    action = ExitAction.REPORT_DONE
    note = _note_field(_lazy("Note"))


class ConfirmForm(ExitStepForm):
    action = ExitAction.CONFIRM
    note = _note_field(_lazy("What was checked"))


class SendBackForm(ExitStepForm):
    action = ExitAction.SEND_BACK
    reason = _note_field(_lazy("What remains to be done"), required=True)


EXIT_FORMS: dict[ExitAction, type[ExitStepForm]] = {
    form.action: form for form in (FilePlanForm, ReportProgressForm, ReportDoneForm, ConfirmForm, SendBackForm)
}


def field_label(form: forms.Form, name: object) -> str:
    """The label of the field ``name`` on ``form`` ("" for none): a refusal names its field by it."""
    field = form.fields.get(str(name)) if name else None
    return str(field.label) if field is not None and field.label else ""
