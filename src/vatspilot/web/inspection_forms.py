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
from django.utils.translation import pgettext_lazy

from vatspilot.domain.supervision.findings import Severity, inspection_rule
from vatspilot.queries.inspections import DrawOptions
from vatspilot.services import legal_text
from vatspilot.services.supervision.inspections import FoundIssue
from vatspilot.services.vocabulary import FINDING_SEVERITIES
from vatspilot.store.models import Jurisdiction
from vatspilot.store.models.supervision import InspectionKind

# The nationwide choice's value (MIIT only).
NATIONWIDE = "nationwide"
_RULE = re.compile(r"^[a-z0-9][a-z0-9:._-]{0,99}$")
_MAX_LINES = 200


def _inspection_rules() -> list[str]:
    return [inspection_rule(kind.value) for kind in InspectionKind]


def inspection_rules_help() -> str:
    """How to write the found issues, naming the rules of the inspection kinds and the severities in the
    reader's language (a rule is typed by its name, in either language; another by its id)."""
    zh = legal_text.reader_language() == "zh"
    return _(
        "One a line: rule | severity | what was found. The rules of the inspections: %(rules)s; another "
        "rule may be typed as its id. Severity: %(severities)s. Leave empty when nothing was found."
    ) % {
        "rules": ("；" if zh else "; ").join(legal_text.rule_name(rule) for rule in _inspection_rules()),
        "severities": ("、" if zh else ", ").join(str(FINDING_SEVERITIES[severity]) for severity in Severity),
    }


def _rule_of(text: str) -> str | None:
    """A rule typed by its name (in either language, any case) or its id; None when it is neither."""
    word = text.strip().lower()
    for rule in _inspection_rules():
        if word in {legal_text.rule_name(rule, "en").lower(), legal_text.rule_name(rule, "zh")}:
            return rule
    return text.strip() if _RULE.match(text.strip()) else None


def _severity_of(text: str) -> Severity | None:
    """A severity typed as its code (``high``, any case) or its word in either language (高危)."""
    word = text.strip().lower()
    for severity in Severity:
        names = {severity.value, str(FINDING_SEVERITIES[severity]).lower()}
        if word in names:
            return severity
    return None


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
            "One a line: an inspector's username, a colon, then the licence numbers (several separated by "
            "commas). Conflicts from the applications' records are added by themselves."
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
            person, colon, licences = line.replace("：", ":").partition(":")
            numbers = [item.strip() for item in re.split(r"[,，、]", licences) if item.strip()]
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
        label=pgettext_lazy("supervision", "Findings"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, prefix="record", **kwargs)
        self.today = today
        self.fields["found"].help_text = inspection_rules_help()
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
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|", 2)]
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(
                    _("Line %(line)d: write it as rule | severity | what was found.") % {"line": number}
                )
            typed_rule, severity, description = parts
            rule = _rule_of(typed_rule)
            if rule is None:
                raise forms.ValidationError(
                    _("Line %(line)d: the rule is lower-case letters, digits and : . _ - (at most 100).")
                    % {"line": number}
                )
            typed = _severity_of(severity)
            if typed is None:
                raise forms.ValidationError(
                    _("Line %(line)d: the severity is one of %(choices)s.")
                    % {"line": number, "choices": ", ".join(item.value for item in Severity)}
                )
            issues.append(FoundIssue(rule=rule, severity=typed, description=description))
        return issues
