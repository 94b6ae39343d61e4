"""Why an action was not taken: what the user reads, with a stable code and parameters for the edges."""

from __future__ import annotations

from vatspilot.domain.lifecycle import ROLE_NOT_ALLOWED

# The refusal codes that mean "not yours to do": the asker sees the record, but their role (or standing
# towards it: not a member of the organisation it belongs to) never lets them take this action on it. The
# entry points answer these 403 (so the web's refusal audit records them, as every 403); any other refusal
# (the state, a guard, a field) is a 422. The one list the web, the API and the tests rely on.
ROLE_REFUSALS: frozenset[str] = frozenset({ROLE_NOT_ALLOWED, "not-a-member"})


class ActionRefused(Exception):
    """The action may not be taken; `message` is what the user reads, `code` and `params` are stable
    (`params["field"]` names a field of the action, `params["pointer"]` a JSON pointer into the dossier)."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    @property
    def by_role(self) -> bool:
        """The asker's role (or standing) refused it, not the record's state or a guard: a 403, not a 422."""
        return self.code in ROLE_REFUSALS


class Conflict(ActionRefused):
    """Someone else changed the record since the caller read it: reload and try again."""
