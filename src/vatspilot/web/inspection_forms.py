"""The forms of the random inspections: the supervisor's draw (where, the seed, what kind, how many, and
the conflicts they declare) and the team's record of an inspection (its summary and findings). Lines of
text are read here, each error naming its line, so the services get typed values."""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from vatspilot.domain.supervision.findings import Severity
from vatspilot.queries.inspections import DrawOptions
from vatspilot.services.supervision.inspections import FoundIssue
from vatspilot.store.models import Jurisdiction
from vatspilot.store.models.supervision import InspectionKind

# The nationwide choice's value (MIIT only).
NATIONWIDE = "nationwide"
_RULE = re.compile(r"^[a-z0-9][a-z0-9:._-]{0,99}$")
_MAX_LINES = 200


def suggested_seed(today: date) -> str:
    """A fresh seed: the day and 64 random bits, so that nobody chose it to get a result."""
    return f"{today.isoformat()}-{secrets.token_hex(8)}"


class DrawForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_lazy("Drawn for"))
    seed = forms.CharField(
        label=_lazy("Seed"),
        max_length=200,
        help_text=_lazy("Published with the draw: anyone can re-run it with the same seed and pools."),
    )
    kind = forms.ChoiceField(label=_lazy("Inspection kind"), choices=InspectionKind.choices)
    licensee_count = forms.IntegerField(label=_lazy("Licensees to inspect"), min_value=1, max_value=1000)
    inspectors_per_licensee = forms.IntegerField(
        label=_lazy("Inspectors per licensee"), min_value=1, max_value=20, initial=2
    )
    conflicts = forms.CharField(
        label=_lazy("Declared conflicts of interest"),
        required=False,
        max_length=20000,
        help_text=_lazy(
            "One a line: inspector_username: LICENCE-NUMBER (several numbers separated by commas). Conflicts "
            "from the applications' records are added by themselves."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, options: DrawOptions, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, prefix="draw", **kwargs)
        self.options = options
        choices: list[tuple[str, Any]] = []
        if options.nationwide:
            choices.append((NATIONWIDE, _lazy("Nationwide")))
        choices += [(str(jurisdiction.pk), jurisdiction.name) for jurisdiction in options.jurisdictions]
        fields: dict[str, Any] = self.fields
        fields["jurisdiction"].choices = choices
        self.initial.setdefault("seed", suggested_seed(today))
        self.initial.setdefault("licensee_count", 1)

    def clean_conflicts(self) -> dict[str, list[str]]:
        declared: dict[str, list[str]] = {}
        lines = str(self.cleaned_data.get("conflicts", "")).splitlines()
        if len(lines) > _MAX_LINES:
            raise forms.ValidationError(_("At most %(count)d lines.") % {"count": _MAX_LINES})
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            person, colon, licences = line.partition(":")
            numbers = [item.strip() for item in licences.split(",") if item.strip()]
            if not colon or not person.strip() or not numbers:
                raise forms.ValidationError(
                    _("Line %(line)d: write it as inspector_username: LICENCE-NUMBER.") % {"line": number}
                )
            listed = declared.setdefault(person.strip(), [])
            listed.extend(item for item in numbers if item not in listed)
        return declared

    def chosen_jurisdiction(self) -> Jurisdiction | None:
        """The jurisdiction drawn for; None nationwide."""
        value = self.cleaned_data["jurisdiction"]
        if value == NATIONWIDE:
            return None
        return next(jurisdiction for jurisdiction in self.options.jurisdictions if str(jurisdiction.pk) == value)


class RecordInspectionForm(forms.Form):
    done_on = forms.DateField(label=_lazy("Done on"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_lazy("Summary"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    found = forms.CharField(
        label=_lazy("Findings"),
        required=False,
        max_length=50000,
        help_text=_lazy(
            "One a line: rule | severity | what was found, e.g. inspection:penetration-test | high | admin "
            "console reachable from the internet. Severity is critical, high, medium or low. Leave empty "
            "when nothing was found."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, prefix="record", **kwargs)
        self.today = today
        self.initial.setdefault("done_on", today)

    def clean_done_on(self) -> date:
        done_on: date = self.cleaned_data["done_on"]
        if done_on > self.today:
            raise forms.ValidationError(_("The inspection cannot be recorded before it is done."))
        return done_on

    def clean_found(self) -> list[FoundIssue]:
        issues: list[FoundIssue] = []
        lines = str(self.cleaned_data.get("found", "")).splitlines()
        if len(lines) > _MAX_LINES:
            raise forms.ValidationError(_("At most %(count)d lines.") % {"count": _MAX_LINES})
        severities = [severity.value for severity in Severity]
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|", 2)]
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(
                    _("Line %(line)d: write it as rule | severity | what was found.") % {"line": number}
                )
            rule, severity, description = parts
            if not _RULE.match(rule):
                raise forms.ValidationError(
                    _("Line %(line)d: the rule is lower-case letters, digits and : . _ - (at most 100).")
                    % {"line": number}
                )
            if severity.lower() not in severities:
                raise forms.ValidationError(
                    _("Line %(line)d: the severity is one of %(choices)s.")
                    % {"line": number, "choices": ", ".join(severities)}
                )
            issues.append(FoundIssue(rule=rule, severity=Severity(severity.lower()), description=description))
        return issues
