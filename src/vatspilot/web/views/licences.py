"""A licence for its holder and the officials who see it: the licence page (its services and areas,
conditions, validity, effective status and history, with notes), the authority's decisions on it (the
forms for what the lifecycle allows the reader now), and the certificate: the signed PDF, made from the
register as it stands."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST
from django_stubs_ext import StrOrPromise

from vatspilot.domain.licences.lifecycle import LicenceAction, LicenceState
from vatspilot.domain.licences.status import effective_state
from vatspilot.domain.lifecycle import ROLE_NOT_ALLOWED
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.actions import (
    reduce_licence_scope,
    reinstate_licence,
    revoke_licence,
    suspend_licence,
)
from vatspilot.services.licences.certificate import SigningKeyMissing, signed_certificate
from vatspilot.services.licences.lifecycle import available_actions
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.services.vocabulary import LICENCE_ACTIONS, LICENCE_EVENTS, LICENCE_STATES
from vatspilot.store.access import NotFound, access_licence
from vatspilot.store.models import Licence, LicenceEvent

logger = logging.getLogger(__name__)


@login_required
@require_GET
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    licence = access_licence(request.user, number)
    try:
        pdf = signed_certificate(licence)
    except SigningKeyMissing as missing:
        # The platform's set-up, not the user's doing: said to them plainly, and to the operator in the log.
        logger.error("licence certificate %s not made: %s", licence.number, missing)
        text = _(
            "The certificate cannot be made now: the platform has no signing key yet. Please tell the administrator."
        )
        messages.error(request, text)
        return redirect("web:application", licence.application_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The licence page: the licence, its history, and the authority's decisions -----------------------

# The writer each decision's form calls (its fields are the writer's keyword parameters; a refusal that
# names one is shown with that field's label at the top of the form).
_DECISIONS: Mapping[LicenceAction, Callable[..., Licence]] = {
    LicenceAction.SUSPEND: suspend_licence,
    LicenceAction.REINSTATE: reinstate_licence,
    LicenceAction.REDUCE_SCOPE: reduce_licence_scope,
    LicenceAction.REVOKE: revoke_licence,
}
# Areas are ticked as "code::area" (English), the areas to take off; the writer is given those kept.
_AREA_SEPARATOR = "::"


class LicenceDecisionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_lazy("Reason and legal basis"),
        help_text=_lazy(
            "Kept on the licence's record for the holder and officials; the register shows the rule's citation."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, action: LicenceAction, licence: Licence, *args: Any, **kwargs: Any) -> None:
        # Each decision's fields are prefixed with its action: one page holds several forms.
        super().__init__(*args, prefix=action.value, **kwargs)
        self.action = action
        fields: dict[str, Any] = self.fields
        if action is LicenceAction.REDUCE_SCOPE:
            services = list(licence.services or [])
            zh = (get_language() or "").startswith("zh")
            fields["remove_services"] = forms.MultipleChoiceField(
                label=_lazy("Services to remove"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(s.get("code", ""), f"{s.get('code', '')} {_in_language(s, 'name', zh)}") for s in services],
            )
            fields["narrow_areas"] = forms.MultipleChoiceField(
                label=_lazy("Areas to withdraw"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (f"{s.get('code', '')}{_AREA_SEPARATOR}{area}", f"{s.get('code', '')}: {shown}")
                    for s in services
                    for area, shown in _areas(s, zh)
                ],
            )
        self.initial["expected_version"] = licence.version

    def writer_fields(self, licence: Licence) -> dict[str, object]:
        data = self.cleaned_data
        fields: dict[str, object] = {"reason": data["reason"]}
        if self.action is LicenceAction.REDUCE_SCOPE:
            withdrawn: dict[str, list[str]] = {}
            for choice in data["narrow_areas"]:
                code, _sep, area = choice.partition(_AREA_SEPARATOR)
                withdrawn.setdefault(code, []).append(area)
            areas = {str(s.get("code", "")): list(s.get("areas_en", []) or []) for s in licence.services or []}
            fields["remove_services"] = list(data["remove_services"])
            fields["narrow_areas"] = {
                code: [area for area in areas.get(code, []) if area not in gone] for code, gone in withdrawn.items()
            }
        return fields


def _in_language(service: Mapping[str, Any], name: str, zh: bool) -> str:
    english = str(service.get(f"{name}_en", "") or "")
    return str(service.get(f"{name}_zh", "") or english) if zh else english


def _areas(service: Mapping[str, Any], zh: bool) -> list[tuple[str, str]]:
    """Each area's English name (what the service is given) and the name shown: the two languages'
    lists are parallel."""
    english = [str(area) for area in service.get("areas_en", []) or []]
    chinese = [str(area) for area in service.get("areas_zh", []) or []]
    return [(area, chinese[i] if zh and i < len(chinese) else area) for i, area in enumerate(english)]


def _field_label(form: LicenceDecisionForm, name: object) -> str:
    field = form.fields.get(str(name)) if name else None
    return str(field.label) if field is not None and field.label else ""


def _history(licence: Licence) -> list[tuple[LicenceEvent, StrOrPromise, StrOrPromise, StrOrPromise]]:
    events = LicenceEvent.objects.filter(licence=licence).order_by("on", "at", "id")
    return [
        (
            event,
            LICENCE_EVENTS.get(event.action, event.action),
            LICENCE_STATES.get(event.from_state, event.from_state),
            LICENCE_STATES.get(event.to_state, event.to_state),
        )
        for event in events
    ]


def _page(
    request: HttpRequest,
    licence: Licence,
    *,
    bound: LicenceDecisionForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    today = legal_today()
    user = cast(User, request.user)
    forms_shown = [
        bound if bound is not None and bound.action is action else LicenceDecisionForm(action, licence)
        for action in available_actions(user, licence, on=today)
        if action in _DECISIONS
    ]
    effective = effective_state(LicenceState(licence.status), licence.valid_until, today)
    context = {
        "licence": licence,
        "status": LICENCE_STATES[effective],
        "effective_status": effective.value,
        "history": _history(licence),
        "decision_forms": [(form, LICENCE_ACTIONS[form.action]) for form in forms_shown],
        "refused_form": bound,
        "refusal": refusal,
        "chinese": (get_language() or "").startswith("zh"),
    }
    return render(request, "web/licences/detail.html", context, status=status)


@login_required
@require_GET
def licence_page(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, access_licence(request.user, number))


@login_required
@require_POST
def licence_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    licence = access_licence(request.user, number)
    try:
        chosen = LicenceAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    if chosen not in _DECISIONS:
        raise NotFound("no such action")
    form = LicenceDecisionForm(chosen, licence, data=request.POST)
    if not form.is_valid():
        problems = [
            f"{_field_label(form, name)}: {problem}" for name, errors in form.errors.items() for problem in errors
        ]
        return _page(request, licence, bound=form, refusal="; ".join(problems), status=422)
    try:
        _DECISIONS[chosen](
            actor=request.user,
            licence=licence,
            on=legal_today(),
            expected_version=form.cleaned_data["expected_version"],
            **form.writer_fields(licence),
        )
    except Conflict as conflict:
        licence.refresh_from_db()
        return _page(request, licence, bound=form, refusal=conflict.message, status=409)
    except ActionRefused as refused:
        if refused.code == ROLE_NOT_ALLOWED:
            raise PermissionDenied(refused.message) from None
        licence.refresh_from_db()
        named = _field_label(form, refused.params.get("field"))
        refusal = f"{named}: {refused.message}" if named else refused.message
        return _page(request, licence, bound=form, refusal=refusal, status=422)
    messages.success(request, _("Done: %(action)s.") % {"action": LICENCE_EVENTS[chosen]})
    return redirect("web:licence", licence.number)
