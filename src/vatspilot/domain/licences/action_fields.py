"""What each of the authority's decisions on a licence asks for, declared once: its fields, their kind,
whether they are required, their limits.

The licence page's forms (web.licence_forms) derive from this table, and a test holds the writers'
keyword parameters (services.licences.actions) to it. The field types are the applications' (one notion
of an action's field), plus the one shape they lack: a mapping of service code to the areas kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vatspilot.domain.applications.action_fields import ActionField, FieldKind
from vatspilot.domain.licences.lifecycle import LicenceAction

# The official's reason and legal basis, kept on the licence's record (the event's note).
REASON_MAX_LENGTH = 4000


@dataclass(frozen=True)
class AreasKeptField:
    """A mapping of service code to the areas (English names) that service keeps; a code not in it keeps
    all of its areas. Optional: a reduction may only remove services."""

    name: str
    required: bool = False


LicenceField = ActionField | AreasKeptField

_REASON = ActionField("reason", FieldKind.TEXT, max_length=REASON_MAX_LENGTH)

# Each action's fields in the order a form asks for them. `remove_services` is a list of the licence's
# service codes: which codes, only the licence knows, so they are not declared here.
LICENCE_ACTION_FIELDS: Mapping[LicenceAction, tuple[LicenceField, ...]] = MappingProxyType(
    {
        LicenceAction.SUSPEND: (_REASON,),
        LicenceAction.REINSTATE: (_REASON,),
        LicenceAction.REVOKE: (_REASON,),
        LicenceAction.CANCEL: (_REASON,),
        LicenceAction.REDUCE_SCOPE: (
            _REASON,
            ActionField("remove_services", FieldKind.LINES, required=False),
            AreasKeptField("narrow_areas"),
        ),
    }
)


def licence_fields_of(action: LicenceAction) -> tuple[LicenceField, ...]:
    """The action's fields; an action not in the table takes none."""
    return LICENCE_ACTION_FIELDS.get(action, ())


def licence_field_names(action: LicenceAction) -> tuple[str, ...]:
    return tuple(field.name for field in licence_fields_of(action))
