"""The network exit's forms for the partial web/licences/_exit.html: one per step open to the reader,
fresh with the exit's version, or the form the reader sent back when it was refused (its values and
error kept). A tag rather than the licence page's view, so that the licence page includes the exit by one
line and the exit's own page (web.views.network_exits) renders the same partial."""

from __future__ import annotations

from typing import Any

from django import template

from vatspilot.queries.network_exits import ExitSection
from vatspilot.web.exit_forms import EXIT_FORMS, ExitStepForm

register = template.Library()


@register.simple_tag(takes_context=True)
def exit_forms(context: template.Context, section: ExitSection | None) -> list[tuple[ExitStepForm, str]]:
    if section is None:
        return []
    bound: Any = context.get("exit_bound")
    shown = []
    for action, label in section.actions:
        form = bound if isinstance(bound, ExitStepForm) and bound.action is action else None
        shown.append((form or EXIT_FORMS[action](section.version), label))
    return shown
