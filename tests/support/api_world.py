"""A small world for the API's live-server runs (scripts/fuzz_api.py, bench/api_load.py): the standard
pilot world (pilot_world.build_world) with a ready draft, a submitted application and a valid licence on
the public register, and personal API tokens made through the accounts service.

Run as a program against a migrated database (DATABASE_URL): prints one JSON object, the tokens'
secrets by name and the ids and numbers the runs need.

    python tests/support/api_world.py applicant:write miit_reviewer:write applicant:read [licences=30]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def build_api_world(tokens: list[tuple[str, str]], *, licences: int = 0) -> dict[str, Any]:
    """``tokens``: (username, scope) pairs; a token is named "<username>:<scope>" in the answer.
    ``licences`` more licences on the register, each its own holder ("Extra Holder 100 Co., Ltd." on)."""
    from django.contrib.auth.models import User
    from django.utils import timezone
    from pilot_world import build_world
    from register_world import more_licences

    from vatspilot.domain.applications import Role, State
    from vatspilot.services.accounts.api_tokens import create_api_token
    from vatspilot.services.licences.signing_key import SigningKeyPaths, init_signing_key

    world = build_world()
    # The certificate operation signs with the platform's key: made once, as `vatspilot init-signing-key` does.
    from django.conf import settings

    if not SigningKeyPaths.under(settings.VATSPILOT_SIGNING_KEY_DIR).exist():
        init_signing_key(
            settings.VATSPILOT_SIGNING_KEY_DIR, organisation="vatspilot", common_name="api world", now=timezone.now()
        )
    draft = world.ready_draft()
    submitted = world.drive_to(State.SUBMITTED)
    licence = world.licence()
    more_licences(licences, actor=world.users[Role.MIIT_REVIEWER])
    secrets = {
        f"{username}:{scope}": create_api_token(
            actor=User.objects.get(username=username), name=f"api-world {scope}", scope=scope
        ).secret
        for username, scope in tokens
    }
    return {
        "tokens": secrets,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "approved": licence.application_id,
        "licence": licence.number,
        "uscc": world.organisation.uscc,
    }


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    licences = sum(int(arg.removeprefix("licences=")) for arg in argv if arg.startswith("licences="))
    pairs = [arg.split(":", 1) for arg in argv if not arg.startswith("licences=")]
    made = build_api_world([(username, scope) for username, scope in pairs], licences=licences)
    sys.stdout.write(json.dumps(made) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
