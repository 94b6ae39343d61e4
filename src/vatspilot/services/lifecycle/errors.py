"""Why an action was not taken: what the user reads, with a stable code and parameters for the edges."""

from __future__ import annotations


class ActionRefused(Exception):
    """The action may not be taken; `message` is what the user reads, `code` and `params` are stable
    (`params["field"]` names a field of the action, `params["pointer"]` a JSON pointer into the dossier)."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


class Conflict(ActionRefused):
    """Someone else changed the record since the caller read it: reload and try again."""
