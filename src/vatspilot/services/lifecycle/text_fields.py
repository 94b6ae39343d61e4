"""A text a writer requires (a reason, a name, a note): trimmed, refused when empty or too long, the
refusal naming the field. One check for every writer, so that "required" and "too long" read the same
everywhere."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vatspilot.domain.licences.action_fields import REASON_MAX_LENGTH
from vatspilot.services.lifecycle.errors import ActionRefused


def required_text(
    value: str | None,
    *,
    field: str,
    code: str = "field-required",
    message: str | None = None,
    max_length: int | None = None,
) -> str:
    """``value`` trimmed; ActionRefused(``code``) naming ``field`` when empty, ("too-long") when longer
    than ``max_length``."""
    text = (value or "").strip()
    if not text:
        raise ActionRefused(code, message or _("This field is required."), field=field)
    if max_length is not None and len(text) > max_length:
        raise ActionRefused(
            "too-long", _("At most %(limit)s characters.") % {"limit": max_length}, field=field, limit=max_length
        )
    return text


def decision_reason(value: str | None) -> str:
    """The reason and legal basis an official gives for a decision (field `reason`)."""
    return required_text(
        value,
        field="reason",
        code="reason-required",
        message=_("State the reason and legal basis of the decision."),
        max_length=REASON_MAX_LENGTH,
    )
